import { token } from './token.ts';

/** Publishes the listening server as a Tor onion service for as long as the process runs. */
export interface OnionService {
  /**
   * Maps `virtualPort` of the onion to `target`, and port 80 to `web` when given (`serve --web`);
   * resolves to the `xxx.onion` address.
   */
  publish(target: { host: string; port: number }, virtualPort: number, web?: { host: string; port: number }): Promise<string>;
  /** Removes the onion service again; safe to call when nothing is published. */
  unpublish(): Promise<void>;
}
export const OnionService = token<OnionService>('OnionService');

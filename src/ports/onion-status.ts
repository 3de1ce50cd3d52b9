import { token } from './token.ts';

/** PROTOCOL extension (docs/protocol.md "Onion"): whether the onion the server was told to publish is up. */
export interface OnionStatus {
  readonly onion: 'up' | 'down';
}
export const OnionStatus = token<OnionStatus>('OnionStatus');

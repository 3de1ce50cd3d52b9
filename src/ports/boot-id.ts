import { token } from './token.ts';

/**
 * Names one life of the queued messages (docs/protocol.md "Restarts"): `hello` carries it, and it
 * changes exactly when what was queued may be gone, so a client that sees a new one re-sends
 * what it sent without a receipt, and one that sees the same one re-sends nothing.
 */
export interface BootId {
  readonly id: string;
}
export const BootId = token<BootId>('BootId');

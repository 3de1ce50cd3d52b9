import type { BufferLimits } from './messages.ts';

/** What the core needs to know of the operator's configuration. */
export interface RelayConfig {
  readonly registration: 'open' | 'closed';
  readonly maxConnections: number;
  readonly maxBodyBytes: number;
  /** Messages per second per sender, bursts up to twice that; 0 for no limit. */
  readonly sendRatePerSecond: number;
  readonly buffer: BufferLimits;
  /** docs/protocol.md "Groups": upload bytes one connection may hold (`--max-handshake-bytes`). */
  readonly maxHandshakeBytes: number;
}

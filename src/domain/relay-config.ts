import type { BufferLimits } from './messages.ts';

/** What the core needs to know of the operator's configuration. */
export interface RelayConfig {
  readonly registration: 'open' | 'closed';
  /** Named in `hello` and in every key login's signed message: a signature is good on this server only. */
  readonly serverId: string;
  readonly maxConnections: number;
  readonly maxBodyBytes: number;
  /** Messages per second per sender, bursts up to twice that; 0 for no limit. */
  readonly sendRatePerSecond: number;
  readonly buffer: BufferLimits;
}

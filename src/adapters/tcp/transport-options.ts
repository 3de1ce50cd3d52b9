/** What the TCP transport enforces (PROTOCOL "Framing", "Session" 5, "Other frames", "Slow consumers"). */
export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly authTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Output buffered for one connection past which pushing and reading pause until it drains. */
  readonly highWaterBytes: number;
}
export const TransportOptions = Symbol('TransportOptions');

export const DEFAULT_HIGH_WATER_BYTES = 256 * 1024;

import { token } from '../../ports/token.ts';

/** What the TCP transport enforces (PROTOCOL "Framing", "Session" 5, "Other frames", "Slow consumers"). */
export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly authTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /**
   * Output buffered for one connection past which pushing and reading pause until it drains, in
   * UTF-16 code units (JavaScript's string length, what Node counts for a string written):
   * counting UTF-8 bytes would cost a scan of every frame (measured: about 20 times `length`).
   */
  readonly highWaterChars: number;
}
export const TransportOptions = token<TransportOptions>('TransportOptions');

/** 256 KiB of ASCII frames; up to three times that in UTF-8 for other scripts. */
export const DEFAULT_HIGH_WATER_CHARS = 256 * 1024;

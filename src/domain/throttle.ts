/** Authentication attempts on one operator name, across every connection. */
export interface ThrottleRecord {
  /** Consecutive failures, the attempt in flight counted as one. */
  readonly failures: number;
  /** No attempt on this name before this instant (ms since the epoch). */
  readonly blockedUntil: number;
  /** An attempt is being verified right now. */
  readonly verifying: boolean;
}

/** Failures allowed back to back before the delay starts to grow. */
const FREE_FAILURES = 3;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 60_000;
/** While an attempt is being verified, others on the same name wait about one hash. */
export const IN_FLIGHT_RETRY_MS = 250;
/** A name's record is forgotten this long after its last failure. */
export const THROTTLE_MEMORY_MS = 60 * 60_000;

/**
 * PROTOCOL "Session" 4: the delay after the n-th consecutive failure on a name, the same for
 * every connection (behind Tor they all come from one address): 0, 0, 0, 1 s, 2 s, 4 s … 60 s.
 */
export function delayAfterFailures(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1));
}

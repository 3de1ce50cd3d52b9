/**
 * Through a proxy a first connection may take 60 s (a first onion circuit is slow); a reconnection
 * gets 20 s, as `health` does, then another try on fresh circuits: after the onion's tor restarted,
 * an attempt can join a rendezvous circuit that never completes (issue 24), and waits on it to the end.
 */
export const CONNECT_MS = { direct: 10_000, proxyFirst: 60_000, proxyAgain: 20_000 };

/** Pauses between reconnection attempts: doubling from `initialMs` up to `maxMs`, ±20 % jitter. */
export class ReconnectBackoff {
  private attempts = 0;

  constructor(private readonly limits: { readonly initialMs: number; readonly maxMs: number }) {}

  /** The attempt the last `next()` scheduled, counted from 1. */
  get attempt(): number {
    return this.attempts;
  }

  next(): number {
    const base = Math.min(this.limits.maxMs, this.limits.initialMs * 2 ** this.attempts);
    this.attempts += 1;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** The server is back: the next loss starts again from the shortest pause. */
  reset(): void {
    this.attempts = 0;
  }
}

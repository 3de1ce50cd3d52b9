/** One sender's token bucket, kept by the SenderBuckets port across its sessions. */
export interface TokenBucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms since the epoch). */
  at: number;
}

/**
 * PROTOCOL option `--send-rate`: `rate` messages a second per sender, bursts up to twice that.
 * Takes a token from the bucket (a full one when there is none yet) and returns 0 when the
 * send may go, else the milliseconds until it could.
 */
export function takeSendToken(bucket: TokenBucket | undefined, rate: number, now: number): { wait: number; bucket: TokenBucket } {
  const capacity = rate * 2;
  const tokens = bucket === undefined ? capacity : Math.min(capacity, bucket.tokens + ((now - bucket.at) * rate) / 1000);
  const updated = bucket ?? { tokens, at: now };
  updated.at = now;
  if (tokens >= 1) {
    updated.tokens = tokens - 1;
    return { wait: 0, bucket: updated };
  }
  updated.tokens = tokens;
  return { wait: ((1 - tokens) * 1000) / rate, bucket: updated };
}

import type { Session } from './connection.ts';

/**
 * Token bucket per sender: `rate` tokens a second, holding at most twice that (PROTOCOL option
 * `--send-rate`). Returns 0 when the send may go, else the milliseconds until it could.
 */
export function takeSendToken(session: Session, rate: number, now: number): number {
  if (rate <= 0) return 0;
  const capacity = rate * 2;
  const tokens = Number.isNaN(session.sendTokens)
    ? capacity
    : Math.min(capacity, session.sendTokens + ((now - session.sendTokensAt) * rate) / 1000);
  session.sendTokensAt = now;
  if (tokens >= 1) {
    session.sendTokens = tokens - 1;
    return 0;
  }
  session.sendTokens = tokens;
  return ((1 - tokens) * 1000) / rate;
}

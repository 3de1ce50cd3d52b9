/** An envelope already shown: its id (the nonce) and the time its sender signed. */
export interface SeenEnvelope {
  readonly id: string;
  readonly sentAt: number;
}

export type Freshness = 'fresh' | 'replayed' | 'future' | 'too_old';

/** How far ahead of this device's clock a sender's may run (clocks drift; a day ahead is a forgery or a broken clock). */
export const MAX_AHEAD_MS = 10 * 60_000;
/** Envelopes remembered against replays: a bound on the store, not on how long a message may wait in a queue. */
export const SEEN_LIMIT = 2000;

/**
 * Whether an envelope that verified may be shown ("Conversations on MLS" point 7). The list
 * is kept sorted by signed time and persisted with the keys, so a replay is caught across
 * restarts. Once it is full, anything signed before its oldest entry may be a replay of an
 * envelope forgotten to make room: refused rather than shown twice. Returns the list to keep.
 */
export function admit(seen: readonly SeenEnvelope[], envelope: SeenEnvelope, now: number, limit = SEEN_LIMIT): { verdict: Freshness; seen: readonly SeenEnvelope[] } {
  if (envelope.sentAt > now + MAX_AHEAD_MS) return { verdict: 'future', seen };
  if (seen.some((entry) => entry.id === envelope.id)) return { verdict: 'replayed', seen };
  if (seen.length >= limit && envelope.sentAt < seen[0]!.sentAt) return { verdict: 'too_old', seen };
  const at = seen.findIndex((entry) => entry.sentAt > envelope.sentAt);
  const kept = at === -1 ? [...seen, envelope] : [...seen.slice(0, at), envelope, ...seen.slice(at)];
  return { verdict: 'fresh', seen: kept.slice(Math.max(0, kept.length - limit)) };
}

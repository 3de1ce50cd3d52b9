import type { Awaitable } from './awaitable.ts';
import type { Session } from './session.ts';

/** docs/protocol.md "Pipelining": the frames whose answers may wait while the next frames are handled. */
export const OVERLAPPING_OPS: ReadonlySet<string> = new Set(['send', 'ack']);
/**
 * Sends and acks of one connection that may wait for their ports at once: with 16 KiB bodies,
 * about 1 MiB held a connection, as much as its output may hold past the high-water mark.
 */
export const MAX_OVERLAPPING = 64;

/** Answers one frame from what handling it came to (a method and its owner, not a closure: see `whenResolved`). */
export type Answer<S, T, F> = (this: S, outcome: T, session: Session, frame: F) => void;

/**
 * docs/protocol.md "Pipelining": a send or ack whose ports answer later does not hold the
 * connection's next frames. Its answer waits for the answers before it, so they keep the
 * frames' order (one answered at once waits its turn too). Returns a promise only when the
 * connection's next frames must wait: once MAX_OVERLAPPING answers are waiting, until they are given.
 */
export function answerInOrder<S, T, F>(
  self: S, session: Session, frame: F, outcome: Awaitable<T>, answer: Answer<S, T, F>, failed: Answer<S, unknown, F>,
): Awaitable<void> {
  if (session.answering === undefined && !(outcome instanceof Promise)) return answer.call(self, outcome, session, frame);
  const answered = answerAfter(session.answering, self, session, frame, outcome, answer, failed);
  session.answering = answered;
  return ++session.overlapping >= MAX_OVERLAPPING ? answered : undefined;
}

/**
 * The outcome is awaited first, so that its failure is handled as it happens (never counted as
 * unhandled while the answers before it wait); the answer or failure then waits its turn.
 */
async function answerAfter<S, T, F>(
  before: Promise<void> | undefined, self: S, session: Session, frame: F, outcome: Awaitable<T>, answer: Answer<S, T, F>,
  failed: Answer<S, unknown, F>,
): Promise<void> {
  let value: T | undefined;
  let error: unknown;
  let ok = true;
  try {
    value = await outcome;
  } catch (caught) {
    ok = false;
    error = caught;
  }
  try {
    if (before !== undefined) await before;
    if (ok) answer.call(self, value as T, session, frame);
    else failed.call(self, error, session, frame);
  } catch (caught) {
    failed.call(self, caught, session, frame);
  } finally {
    if (--session.overlapping === 0) session.answering = undefined;
  }
}

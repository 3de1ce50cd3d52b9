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

/** A send or ack whose answer waits: for its outcome, or for the answers before it. */
export interface WaitingAnswer {
  readonly self: unknown;
  readonly frame: unknown;
  readonly answer: Answer<unknown, unknown, unknown>;
  readonly failed: Answer<unknown, unknown, unknown>;
  settled: boolean;
  ok: boolean;
  outcome: unknown;
}

/**
 * docs/protocol.md "Pipelining": a send or ack whose ports answer later does not hold the
 * connection's next frames. Its answer waits in the session's queue for the answers before it,
 * so they keep the frames' order (one answered at once waits its turn too); each is given as
 * soon as it and all before it have their outcome. `session.answering` resolves once the queue
 * is empty. Returns a promise only when the connection's next frames must wait: once
 * MAX_OVERLAPPING answers are waiting, until they are given.
 */
export function answerInOrder<S, T, F>(
  self: S, session: Session, frame: F, outcome: Awaitable<T>, answer: Answer<S, T, F>, failed: Answer<S, unknown, F>,
): Awaitable<void> {
  if (session.answering === undefined && !(outcome instanceof Promise)) return answer.call(self, outcome, session, frame);
  const waiting: WaitingAnswer = {
    self, frame, answer: answer as Answer<unknown, unknown, unknown>, failed: failed as Answer<unknown, unknown, unknown>,
    settled: false, ok: true, outcome: undefined,
  };
  session.waitingAnswers.push(waiting);
  if (session.answering === undefined) {
    session.answering = new Promise((resolve) => {
      session.allAnswered = resolve;
    });
  }
  if (outcome instanceof Promise) {
    outcome.then((value) => settle(session, waiting, true, value), (error: unknown) => settle(session, waiting, false, error));
  } else settle(session, waiting, true, outcome);
  return session.waitingAnswers.length >= MAX_OVERLAPPING ? session.answering : undefined;
}

/**
 * Answers, or tells the failure. `failed` (the relay's frameFailed) logs and replies; should it
 * throw as well, the answers behind must still be given and the connection's frames let in,
 * so that is swallowed here rather than left to stop the queue.
 */
function give(waiting: WaitingAnswer, session: Session): void {
  try {
    if (waiting.ok) waiting.answer.call(waiting.self, waiting.outcome, session, waiting.frame);
    else waiting.failed.call(waiting.self, waiting.outcome, session, waiting.frame);
  } catch (error) {
    try {
      waiting.failed.call(waiting.self, error, session, waiting.frame);
    } catch {
      // Nothing is left to tell it to.
    }
  }
}

/** Gives, in order, every answer at the head of the queue that has its outcome. */
function settle(session: Session, waiting: WaitingAnswer, ok: boolean, outcome: unknown): void {
  waiting.settled = true;
  waiting.ok = ok;
  waiting.outcome = outcome;
  const queue = session.waitingAnswers;
  while (queue.length > 0 && queue[0]!.settled) {
    const next = queue.shift()!;
    give(next, session);
  }
  // Should an answer given here queue and answer another on this session, the queue emptied in there.
  if (queue.length > 0 || session.allAnswered === undefined) return;
  const allAnswered = session.allAnswered;
  session.answering = undefined;
  session.allAnswered = undefined;
  allAnswered();
}

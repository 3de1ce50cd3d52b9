/**
 * What a port answers on the message path: the value itself when it has it at hand (memory
 * adapters), a promise when it must go elsewhere (Redis, SQL). The core carries on synchronously
 * in the first case, so a message crosses it without one promise. Methods off that path
 * (logging in, listing, sweeping) answer a plain Promise.
 */
export type Awaitable<T> = T | Promise<T>;

/** Up to four arguments `whenResolved` passes on after the resolved value. */
type StepArguments = [] | [unknown] | [unknown, unknown] | [unknown, unknown, unknown] | [unknown, unknown, unknown, unknown];

/**
 * Runs `step` with the resolved value and `args` once `value` resolves. The caller passes a
 * method and its arguments instead of writing an arrow function: an arrow function would make
 * the caller keep its variables in a heap context on every call, the synchronous ones too. The
 * arguments are named, not gathered: a rest array and a spread call cost every message on a
 * port that answers later.
 */
export function whenResolved<T, A extends StepArguments, R, S>(
  value: Promise<T>, step: (this: S, resolved: T, ...args: A) => Awaitable<R>, self: S, ...args: A
): Promise<R>;
export function whenResolved<T, R, S>(
  value: Promise<T>, step: (this: S, resolved: T, a?: unknown, b?: unknown, c?: unknown, d?: unknown) => Awaitable<R>, self: S,
  a?: unknown, b?: unknown, c?: unknown, d?: unknown,
): Promise<R> {
  return value.then((resolved) => step.call(self, resolved, a, b, c, d));
}

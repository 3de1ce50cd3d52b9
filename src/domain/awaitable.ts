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
 *
 * Kept against a simpler shape, an async continuation method per step
 * (`private async checkLater(wait, from, to, body) { return this.check(await wait, from, to, body); }`),
 * which reads better but was not as fast (issue 21): `bench pairs --buffer redis --pin`, three
 * alternating pairs of runs (load average 2.6 to 5.7), server CPU per message with one server on
 * Redis 6.85, 6.96 and 6.38 us here against 6.91, 7.48 and 7.56 us with async methods (two
 * servers: 9.23 to 9.60 against 9.15 to 9.37). On the memory buffer neither is ever called.
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

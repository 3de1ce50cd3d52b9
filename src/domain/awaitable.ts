/**
 * What a port answers on the message path: the value itself when it has it at hand (memory
 * adapters), a promise when it must go elsewhere (Redis, SQL). The core carries on synchronously
 * in the first case, so a message crosses it without one promise. Methods off that path
 * (logging in, listing, sweeping) answer a plain Promise.
 */
export type Awaitable<T> = T | Promise<T>;

/**
 * Runs `step` with the resolved value and `args` once `value` resolves. The caller passes a
 * method and its arguments instead of writing an arrow function: an arrow function would make
 * the caller keep its variables in a heap context on every call, the synchronous ones too.
 */
export function whenResolved<T, A extends unknown[], R, S>(
  value: Promise<T>, step: (this: S, resolved: T, ...args: A) => Awaitable<R>, self: S, ...args: A
): Promise<R> {
  return value.then((resolved) => step.call(self, resolved, ...args));
}

import type { Awaitable } from '../ports/awaitable.ts';

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

import type { Awaitable } from '../ports/awaitable.ts';

/** Runs `next` on the value at once when it is already there, after it resolves otherwise. */
export function andThen<T, R>(value: Awaitable<T>, next: (value: T) => Awaitable<R>): Awaitable<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** The property a test or hook handler carries to get a time limit other than the runner's default. */
export const TIME_LIMIT = Symbol.for('litsxg.test-time-limit-ms');

/**
 * A test (or hook) allowed to run longer than the runner's default limit (180 s), such as one
 * that starts a private Tor network: `test('…', withTimeLimit(300_000, async () => { … }))`.
 */
export function withTimeLimit<T extends (...args: never[]) => unknown>(limitMs: number, handler: T): T {
  return Object.assign(handler, { [TIME_LIMIT]: limitMs });
}

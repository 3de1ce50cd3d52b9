/**
 * What a port answers: the value itself when it has it at hand (memory adapters), a promise
 * when it must go elsewhere (Redis, SQL). The core carries on synchronously in the first case,
 * so a message crosses it without one promise.
 */
export type Awaitable<T> = T | Promise<T>;

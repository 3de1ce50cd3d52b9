import { token } from './token.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Runs `task` every `intervalMs` until the returned cancel is called. The timer never keeps
   * the process alive on its own: it runs while something else does.
   */
  every(intervalMs: number, task: () => void): () => void;
}
export const Clock = token<Clock>('Clock');

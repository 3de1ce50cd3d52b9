import { injectable } from 'inversify';
import type { Clock } from '../../ports/clock.ts';

@injectable()
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  every(intervalMs: number, task: () => void): () => void {
    const timer = setInterval(task, intervalMs).unref();
    return () => clearInterval(timer);
  }
}

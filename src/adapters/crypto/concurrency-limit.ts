/** A task that gave up while waiting its turn. */
export const ABANDONED = Symbol('abandoned');

interface Waiting {
  readonly stillWanted: () => boolean;
  readonly start: (go: boolean) => void;
}

/**
 * Runs at most `limit` tasks at once; the others wait their turn, first come first served.
 * A waiting task that is no longer wanted (its connection closed or timed out) is skipped, so
 * abandoned work never delays those still waiting.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly queue: Waiting[] = [];

  constructor(private readonly limit: number) {}

  /** Tasks waiting for their turn. */
  get waiting(): number {
    return this.queue.length;
  }

  run<T>(task: () => Promise<T>): Promise<T>;
  run<T>(task: () => Promise<T>, stillWanted: () => boolean): Promise<T | typeof ABANDONED>;
  async run<T>(task: () => Promise<T>, stillWanted: () => boolean = () => true): Promise<T | typeof ABANDONED> {
    if (this.running >= this.limit) {
      const go = await new Promise<boolean>((start) => this.queue.push({ stillWanted, start }));
      if (!go) return ABANDONED;
    } else this.running++;
    try {
      return await task();
    } finally {
      this.startNext();
    }
  }

  private startNext(): void {
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      if (next.stillWanted()) return next.start(true);
      next.start(false);
    }
    this.running--;
  }
}

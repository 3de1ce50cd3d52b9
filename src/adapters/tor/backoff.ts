/**
 * Delays between reconnection attempts: 1 s doubling to 30 s. Each delay is drawn between half
 * and all of its step, so servers sharing one tor do not all knock again in the same instant.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly firstMs = 1_000,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const step = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    if (step < this.maxMs) this.attempt += 1;
    return step / 2 + (this.random() * step) / 2;
  }

  reset(): void {
    this.attempt = 0;
  }
}

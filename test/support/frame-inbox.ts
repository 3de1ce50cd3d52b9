import type { Frame } from './protocol-client.ts';

/**
 * The frames a test client received, read in order by `next` (or by op), with a timeout so a
 * missing frame fails the test instead of hanging it. Shared by the TCP and WebSocket clients.
 */
export class FrameInbox {
  readonly frames: Frame[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  push(frame: Frame): void {
    this.frames.push(frame);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** The next frame not yet consumed; with `op`, frames of other ops before it are skipped. */
  async next(op?: string, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const frame = this.frames[this.cursor++]!;
        if (op === undefined || frame.op === op) return frame;
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${op ?? 'a frame'}; got ${JSON.stringify(this.frames)}`);
      if (!(await this.waitForMore(deadline - Date.now()))) {
        throw new Error(`no ${op ?? 'frame'} within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      }
    }
  }

  /** True once the connection has closed, false on timeout. */
  async waitClosed(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) if (!(await this.waitForMore(deadline - Date.now()))) return false;
    return true;
  }

  /** Frames received and not yet consumed by `next`, after waiting `ms` for more. */
  async pending(ms = 200): Promise<Frame[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.frames.slice(this.cursor);
  }

  private waitForMore(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

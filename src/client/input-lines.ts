import type { Interface } from 'node:readline';

/**
 * The lines the person types or pipes, each handed out once and in order: first to `next()`
 * (the password, when it comes from input), then, after `forEach`, to the command handler.
 * A piped password line and the commands after it often arrive in one chunk, before anyone
 * asks for them; they wait here instead of going to two listeners.
 */
export class InputLines {
  private readonly waiting: string[] = [];
  private ended = false;
  private skipping = false;
  private wake: (() => void) | undefined;
  private onLine: ((line: string) => void) | undefined;
  private onEnd: (() => void) | undefined;

  constructor(lines: Interface) {
    lines.on('line', (line) => {
      if (this.skipping) {
        this.skipping = false;
        return;
      }
      if (this.onLine) return this.onLine(line);
      this.waiting.push(line);
      this.wake?.();
    });
    lines.on('close', () => {
      this.ended = true;
      this.wake?.();
      this.onEnd?.();
    });
  }

  /** The next line not handed out yet, or undefined once input has ended without one. */
  async next(): Promise<string | undefined> {
    while (this.waiting.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
    this.wake = undefined;
    return this.waiting.shift();
  }

  /** The next line not handed out yet is dropped, whenever it comes. */
  skipNext(): void {
    if (this.waiting.length > 0) this.waiting.shift();
    else this.skipping = true;
  }

  /** Hands every further line to `onLine`, those already waiting first; `onEnd` once input ends. */
  forEach(onLine: (line: string) => void, onEnd: () => void): void {
    for (const line of this.waiting.splice(0)) onLine(line);
    this.onLine = onLine;
    this.onEnd = onEnd;
    if (this.ended) onEnd();
  }

  /** Nothing more is handed out (the client is leaving and closes its input itself). */
  detach(): void {
    this.onLine = () => undefined;
    this.onEnd = undefined;
  }
}

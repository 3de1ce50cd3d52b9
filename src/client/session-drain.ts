/** What the drain waits for in the session's sends (ClientOutbox). */
export interface Answers {
  /** Messages awaiting the server's `sent` (or its refusal, or the loss of the connection). */
  readonly unanswered: number;
  /** Resolves once `unanswered` is 0. */
  answered(): Promise<void>;
}

/**
 * Input has ended (a pipe, or Ctrl-D): the session leaves once everything typed has gone out
 * and been answered, not before (issue 22: `printf 'pw\n@alice hi\n' | litsxg client carol`).
 * Work is tracked as promises, the login's own setup included, so nothing is polled.
 */
export class SessionDrain {
  private readonly work = new Set<Promise<unknown>>();
  private readonly welcomes: (() => void)[] = [];

  /** A command or setup in progress: the drain waits for it, whatever its outcome. */
  track(work: Promise<unknown>): void {
    const settled = work.then(() => undefined, () => undefined);
    this.work.add(settled);
    void settled.then(() => this.work.delete(settled));
  }

  /** The server welcomed this session (again). */
  welcomed(): void {
    for (const wake of this.welcomes.splice(0)) wake();
  }

  /** Resolves at the next welcome. */
  nextWelcome(): Promise<void> {
    return new Promise((resolve) => this.welcomes.push(resolve));
  }

  /**
   * Resolves once nothing is owed: no work in progress, no command held (`held`: their number;
   * they go at the next welcome when not `connected`), every send answered.
   */
  async settled(held: () => number, connected: () => boolean, answers: Answers): Promise<void> {
    for (;;) {
      await Promise.all(this.work);
      await answers.answered();
      if (held() > 0 && !connected()) await this.nextWelcome();
      // Once more around the event loop: an answer may have released further work.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.work.size === 0 && held() === 0 && answers.unanswered === 0) return;
    }
  }
}

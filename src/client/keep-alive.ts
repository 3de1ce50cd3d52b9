/**
 * A ping every interval on a logged-in connection; one unanswered for a whole interval means the
 * path (often a Tor circuit) is dead, and the connection is closed so that it is made anew.
 */
export class KeepAlive {
  private timer: ReturnType<typeof setInterval> | undefined;
  private unanswered = false;
  private readonly roundTrips: (() => void)[] = [];

  constructor(private readonly everyMs: number, private readonly ping: () => void, private readonly dead: () => void) {}

  start(): void {
    this.stop();
    this.unanswered = false;
    this.timer = setInterval(() => {
      if (this.unanswered) return this.dead();
      this.unanswered = true;
      this.ping();
    }, this.everyMs);
  }

  /** Resolves at the pong of a ping sent now (what the server sent before it has arrived), or once the connection is gone. */
  roundTrip(): Promise<void> {
    this.ping();
    return new Promise((resolve) => this.roundTrips.push(resolve));
  }

  pong(): void {
    this.unanswered = false;
    for (const wake of this.roundTrips.splice(0)) wake();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const wake of this.roundTrips.splice(0)) wake();
  }
}

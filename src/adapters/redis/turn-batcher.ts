/**
 * Gathers the requests of one event-loop turn and runs them as one Redis round trip: the sends
 * and acks a connection pipelines (docs/protocol.md "Pipelining") and those of every other
 * connection, `setImmediate` waiting until every socket of the turn has been read. Batches go
 * out in order on one Redis connection, so requests keep the order they were made in.
 */
export class TurnBatcher<Request, Reply> {
  private pending: { request: Request; resolve(reply: Reply): void; reject(error: unknown): void }[] = [];

  constructor(
    /** Runs a batch; answers one reply per request, in order. */
    private readonly run: (requests: Request[]) => Promise<Reply[]>,
    /** Most weight per round trip (what one script may take and answer). */
    private readonly max: number,
    /** A request's share of `max`; one heavier than `max` goes alone. */
    private readonly weight: (request: Request) => number = () => 1,
  ) {}

  submit(request: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ request, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    let start = 0;
    while (start < batch.length) {
      let end = start + 1;
      let weight = this.weight(batch[start]!.request);
      while (end < batch.length && (weight += this.weight(batch[end]!.request)) <= this.max) end++;
      this.send(batch.slice(start, end));
      start = end;
    }
  }

  private send(part: typeof this.pending): void {
    this.run(part.map((p) => p.request)).then(
      (replies) => part.forEach((p, i) => p.resolve(replies[i]!)),
      (error: unknown) => part.forEach((p) => p.reject(error)),
    );
  }
}

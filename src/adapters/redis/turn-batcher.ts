/** The requests of one event-loop turn that go in one script run, and how that run ends. */
interface Run<Request, Reply> {
  readonly requests: Request[];
  weight: number;
  readonly replies: Promise<Reply[]>;
  resolve(replies: Reply[]): void;
  reject(error: unknown): void;
}

/**
 * Gathers the requests of one event-loop turn and runs them as one Redis round trip: the sends
 * and acks a connection pipelines (docs/protocol.md "Pipelining") and those of every other
 * connection, `setImmediate` waiting until every socket of the turn has been read. Batches go
 * out in order on one Redis connection, so requests keep the order they were made in. A run
 * has one promise; each request only picks its reply from it (a promise with its own
 * resolvers for every request cost more than the rest of the batching).
 */
export class TurnBatcher<Request, Reply> {
  private runs: Run<Request, Reply>[] = [];

  constructor(
    /** Runs a batch; answers one reply per request, in order. */
    private readonly run: (requests: Request[]) => Promise<Reply[]>,
    /** Most weight per round trip (what one script may take and answer). */
    private readonly max: number,
    /** A request's share of `max`; one heavier than `max` goes alone. */
    private readonly weight: (request: Request) => number = () => 1,
  ) {}

  submit(request: Request): Promise<Reply> {
    const weight = this.weight(request);
    let run = this.runs.at(-1);
    if (run === undefined || run.weight + weight > this.max) {
      if (this.runs.length === 0) setImmediate(() => this.flush());
      run = newRun();
      this.runs.push(run);
    }
    run.weight += weight;
    const index = run.requests.push(request) - 1;
    return run.replies.then((replies) => replies[index]!);
  }

  private flush(): void {
    const runs = this.runs;
    this.runs = [];
    for (const run of runs) this.run(run.requests).then(run.resolve, run.reject);
  }
}

function newRun<Request, Reply>(): Run<Request, Reply> {
  let resolve!: (replies: Reply[]) => void;
  let reject!: (error: unknown) => void;
  const replies = new Promise<Reply[]>((onReplies, onError) => {
    resolve = onReplies;
    reject = onError;
  });
  return { requests: [], weight: 0, replies, resolve, reject };
}

import type { ErrorFrame } from '../../domain/frames.ts';
import type { ClientFrame, FrameLink, ServerFrame } from './frame-link.ts';

/** The relay said no to a request: its error frame's code, and the frame for its details. */
export class RelayRefusal extends Error {
  override readonly name = 'RelayRefusal';

  constructor(readonly frame: ErrorFrame) {
    super(`${frame.code}: ${frame.message}`);
  }

  get code(): string {
    return this.frame.code;
  }
}

/** The relay's epoch when it refused a group frame for being of another (`stale_epoch`). */
export function staleEpoch(error: unknown): bigint | undefined {
  if (!(error instanceof RelayRefusal) || error.code !== 'stale_epoch') return undefined;
  return BigInt((error.frame as { epoch?: number }).epoch ?? 0);
}

/** The connection went while a request waited: it may or may not have been carried out. */
export class LinkLost extends Error {
  override readonly name = 'LinkLost';
}

interface Waiting {
  readonly resolve: (frame: ServerFrame) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Requests answered by `ref` (PROTOCOL "Messages": every answer and error echoes it): each gets
 * a ref of its own and a promise of its answer frame, or of a RelayRefusal.
 */
export class Requests {
  private readonly waiting = new Map<string, Waiting>();
  private next = 0;

  constructor(private readonly link: FrameLink, private readonly prefix = 'c') {}

  ask<T extends ServerFrame = ServerFrame>(frame: ClientFrame): Promise<T> {
    const ref = `${this.prefix}${++this.next}`;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(ref, { resolve: resolve as (frame: ServerFrame) => void, reject });
      this.link.send({ ...frame, ref } as ClientFrame);
    });
  }

  /** True when the frame answered a request of ours (and so is handled). */
  answer(frame: ServerFrame): boolean {
    const ref = (frame as { ref?: unknown }).ref;
    if (typeof ref !== 'string') return false;
    const waiting = this.waiting.get(ref);
    if (waiting === undefined) return false;
    this.waiting.delete(ref);
    if (frame.op === 'error') waiting.reject(new RelayRefusal(frame));
    else waiting.resolve(frame);
    return true;
  }

  /** Every request still waiting fails: the connection it went on is gone. */
  lost(): void {
    for (const waiting of this.waiting.values()) waiting.reject(new LinkLost('the connection to the server was lost'));
    this.waiting.clear();
  }
}

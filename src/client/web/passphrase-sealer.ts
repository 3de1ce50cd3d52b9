import type { ScryptCost } from '../trust/passphrase-seal.ts';

export type SealRequest =
  | { readonly id: number; readonly kind: 'seal'; readonly bytes: Uint8Array; readonly passphrase: string; readonly cost?: ScryptCost }
  | { readonly id: number; readonly kind: 'open'; readonly bytes: Uint8Array; readonly passphrase: string };
export interface SealReply {
  readonly id: number;
  readonly value: Uint8Array | undefined;
  /** How long scrypt and the cipher took in the worker (test/e2e/web-store.test.ts reports it). */
  readonly ms: number;
}

/** src/client/trust/passphrase-seal.ts, run in a worker (seal-worker.ts) and awaited. */
export class PassphraseSealer {
  private readonly worker = new Worker(new URL('./seal-worker.js', import.meta.url), { type: 'module' });
  private readonly waiting = new Map<number, (reply: SealReply) => void>();
  private nextId = 0;
  /** Milliseconds the last seal or open took. */
  lastMs = 0;

  constructor() {
    this.worker.onmessage = ({ data }: MessageEvent<SealReply>) => {
      this.lastMs = data.ms;
      this.waiting.get(data.id)?.(data);
      this.waiting.delete(data.id);
    };
  }

  async seal(secret: Uint8Array, passphrase: string, cost?: ScryptCost): Promise<Uint8Array> {
    const sealed = await this.ask({ id: ++this.nextId, kind: 'seal', bytes: secret, passphrase, ...(cost === undefined ? {} : { cost }) });
    return sealed!;
  }

  /** Undefined for a wrong passphrase or a damaged blob. */
  open(sealed: Uint8Array, passphrase: string): Promise<Uint8Array | undefined> {
    return this.ask({ id: ++this.nextId, kind: 'open', bytes: sealed, passphrase });
  }

  private ask(request: SealRequest): Promise<Uint8Array | undefined> {
    return new Promise((resolve) => {
      this.waiting.set(request.id, (reply) => resolve(reply.value));
      this.worker.postMessage(request);
    });
  }
}

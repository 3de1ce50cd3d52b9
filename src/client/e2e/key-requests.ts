import type { InboundFrame, OutboundFrame } from '../../domain/frames.ts';
import type { PublicIdentity } from '../../domain/identity-keys.ts';
import { fromBase64 } from './base64.ts';

export type KeyAnswer =
  | { ok: true; identity: PublicIdentity }
  | { ok: false; reason: 'no_key' | 'no_such_recipient' | 'malformed' | 'connection_lost' | 'refused' };

/**
 * `fetch_key` requests in flight, matched to their answers by `ref` (`k-1`, `k-2`…). The
 * server answers one connection's frames in order, so answers come back in the order asked.
 */
export class KeyRequests {
  private count = 0;
  private readonly waiting = new Map<string, (answer: KeyAnswer) => void>();

  constructor(private readonly send: (frame: InboundFrame) => void) {}

  fetch(name: string): Promise<KeyAnswer> {
    const ref = `k-${++this.count}`;
    return new Promise((resolve) => {
      this.waiting.set(ref, resolve);
      this.send({ op: 'fetch_key', name, ref });
    });
  }

  /** Takes a `key` or `error` frame that answers one of ours; false when it is not ours. */
  answer(frame: Extract<OutboundFrame, { op: 'key' | 'error' }>): boolean {
    const resolve = typeof frame.ref === 'string' ? this.waiting.get(frame.ref) : undefined;
    if (resolve === undefined) return false;
    this.waiting.delete(frame.ref as string);
    if (frame.op === 'key') {
      // Checked again here: a server (or a stand-in) may send anything.
      const { agreement, signing } = frame as { agreement: unknown; signing: unknown };
      const wellFormed = typeof agreement === 'string' && typeof signing === 'string'
        && fromBase64(agreement, 32) !== undefined && fromBase64(signing, 32) !== undefined;
      resolve(wellFormed ? { ok: true, identity: { agreement, signing } } : { ok: false, reason: 'malformed' });
    } else {
      const code = frame.code;
      resolve({ ok: false, reason: code === 'no_key' || code === 'no_such_recipient' ? code : 'refused' });
    }
    return true;
  }

  /** Answers every request still waiting: the connection they went out on is gone. */
  connectionLost(): void {
    for (const resolve of this.waiting.values()) resolve({ ok: false, reason: 'connection_lost' });
    this.waiting.clear();
  }
}

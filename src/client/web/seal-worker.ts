import { openWithPassphrase, sealWithPassphrase } from '../trust/passphrase-seal.ts';
import type { SealReply, SealRequest } from './passphrase-sealer.ts';

/**
 * scrypt is synchronous and, at Tor Browser's Safer level (no JIT), takes seconds: it runs
 * here, off the page's thread, so the page keeps answering meanwhile.
 */
const scope = globalThis as unknown as { onmessage: (event: MessageEvent<SealRequest>) => void; postMessage(reply: SealReply): void };

scope.onmessage = ({ data }) => {
  const started = performance.now();
  const value = data.kind === 'seal' ? sealWithPassphrase(data.bytes, data.passphrase, data.cost) : openWithPassphrase(data.bytes, data.passphrase);
  scope.postMessage({ id: data.id, value, ms: Math.round(performance.now() - started) });
};

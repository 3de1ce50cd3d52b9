import type { MLSMessage } from 'ts-mls';
import { decodeMlsMessage, encodeMlsMessage } from 'ts-mls';
import { fromBase64, toBase64 } from '../e2e/base64.ts';

/** docs/protocol.md "Groups": an MLS message in a body is `mls1.` and the base64 of its encoding. */
export const MLS_PREFIX = 'mls1.';

export function isMlsBody(body: string): boolean {
  return body.startsWith(MLS_PREFIX);
}

export function toMlsBody(message: MLSMessage): string {
  return MLS_PREFIX + toBase64(encodeMlsMessage(message));
}

/** Undefined for anything that is not exactly one well-formed MLS message. */
export function fromMlsBody(body: string): MLSMessage | undefined {
  if (!isMlsBody(body)) return undefined;
  const bytes = fromBase64(body.slice(MLS_PREFIX.length));
  if (bytes === undefined) return undefined;
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    return decoded !== undefined && decoded[1] === bytes.length ? decoded[0] : undefined;
  } catch {
    return undefined;
  }
}

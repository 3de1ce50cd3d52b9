/**
 * Bytes to standard padded base64 and back, with the platform's `btoa`/`atob` (Node and browsers
 * alike), so the conversation core the browser shares needs no `Buffer`.
 */
const CHUNK = 0x8000;

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In chunks: one call with a large spread would overflow the stack.
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** Undefined unless `text` is canonical base64 of exactly `length` bytes (when given). */
export function fromBase64(text: string, length?: number): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (toBase64(bytes) !== text || (length !== undefined && bytes.length !== length)) return undefined;
  return bytes;
}

/** Bytes to standard padded base64 and back: the one place a browser build would swap out. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Undefined unless `text` is canonical base64 of exactly `length` bytes (when given). */
export function fromBase64(text: string, length?: number): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  if (toBase64(bytes) !== text || (length !== undefined && bytes.length !== length)) return undefined;
  return bytes;
}

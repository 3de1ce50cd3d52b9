const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Character code → 6-bit value, -1 for a character outside the alphabet. */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
const PAD = 61; // '='

/**
 * Reads the bytes that padded base64 text (RFC 4648 §4) encodes, from `start` on, one group of
 * four characters at a time and only as far as asked: a header is read without decoding the
 * ciphertext behind it. Reading past the end, or over a character outside the alphabet, throws
 * a `Base64Error`; so does padding anywhere but at the very end, or stray bits before it.
 */
export class Base64Reader {
  /** Bytes the text encodes. */
  readonly length: number;
  private position = 0;
  private group = -1;
  private readonly bytes = [0, 0, 0];

  constructor(private readonly text: string, private readonly start: number) {
    const chars = text.length - start;
    if (chars <= 0 || chars % 4 !== 0) throw new Base64Error('not padded base64');
    const padding = text.charCodeAt(text.length - 1) !== PAD ? 0 : text.charCodeAt(text.length - 2) === PAD ? 2 : 1;
    this.length = (chars / 4) * 3 - padding;
  }

  get remaining(): number {
    return this.length - this.position;
  }

  u8(): number {
    if (this.position >= this.length) throw new Base64Error('too short');
    const index = this.position++;
    const group = (index / 3) | 0;
    if (group !== this.group) this.decodeGroup(group);
    return this.bytes[index - group * 3]!;
  }

  skip(count: number): void {
    if (count > this.remaining) throw new Base64Error('too short');
    this.position += count;
  }

  /** The next `count` bytes in canonical padded base64. */
  base64(count: number): string {
    if (count > this.remaining) throw new Base64Error('too short');
    const bytes = new Array<number>(count);
    for (let i = 0; i < count; i++) bytes[i] = this.u8();
    return encodeBase64(bytes);
  }

  private decodeGroup(group: number): void {
    const at = this.start + group * 4;
    const last = at + 4 === this.text.length;
    let bits = 0;
    let padding = 0;
    for (let i = 0; i < 4; i++) {
      const code = this.text.charCodeAt(at + i);
      // Only the last group may pad: its fourth character, or its third and fourth.
      if (code === PAD && last && (i === 3 || (i === 2 && this.text.charCodeAt(at + 3) === PAD))) {
        padding++;
        bits <<= 6;
        continue;
      }
      const value = code < 128 ? VALUES[code]! : -1;
      if (value < 0) throw new Base64Error('not base64');
      bits = (bits << 6) | value;
    }
    // RFC 4648 §3.5: canonical encodings leave the bits beyond the last byte zero.
    if ((padding === 1 && (bits & 0xff) !== 0) || (padding === 2 && (bits & 0xffff) !== 0)) throw new Base64Error('not canonical base64');
    this.bytes[0] = (bits >>> 16) & 0xff;
    this.bytes[1] = (bits >>> 8) & 0xff;
    this.bytes[2] = bits & 0xff;
    this.group = group;
  }
}

export class Base64Error extends Error {
  override readonly name = 'Base64Error';
}

/** Canonical padded base64 of `bytes` (RFC 4648 §4). */
export function encodeBase64(bytes: readonly number[]): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i;
    const bits = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    text += ALPHABET[bits >>> 18]! + ALPHABET[(bits >>> 12) & 63]!
      + (rest > 1 ? ALPHABET[(bits >>> 6) & 63]! : '=') + (rest > 2 ? ALPHABET[bits & 63]! : '=');
  }
  return text;
}

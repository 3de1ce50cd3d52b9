const NON_ASCII = /[^\u0000-\u007f]/;

/** Bytes the string takes in UTF-8 (lone surrogates count as the 3 bytes of U+FFFD). */
export function utf8ByteLength(text: string): number {
  // Most text is ASCII, one byte a character: one regular-expression scan tells so faster than the loop.
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Unicode code points, the unit of the password strength rule. */
export function codePointLength(text: string): number {
  let points = 0;
  for (const _ of text) points++;
  return points;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

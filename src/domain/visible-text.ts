/**
 * Characters that must never reach a terminal as they are: C0 and C1 controls, tab included
 * (escape sequences rewrite the screen), the Unicode bidirectional controls that reorder what
 * is shown ("Trojan Source": U+202A–202E, U+2066–2069, U+200E/200F, U+061C), the line and
 * paragraph separators and the zero-width characters that hide text. The zero-width joiner
 * and non-joiner stay: emoji sequences and Persian words need them.
 */
export const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\p{Bidi_Control}\u200b\u2028\u2029\u2060-\u2064\ufeff]/gu;

/** `text` with each unsafe character shown: C0 controls and DEL as `^X`, the others as `<U+XXXX>`. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (char) => {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return `^${String.fromCharCode(code ^ 0x40)}`;
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

import { visibleText } from '../../domain/visible-text.ts';

/**
 * An element with attributes and children; strings become text nodes. The app builds every
 * element here: text from anyone reaches the page only as text, never as HTML (issue 20).
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * Text as the terminal shows it (src/client/client-view.ts): controls and bidi overrides made
 * visible, line by line; the lines stay lines (the page wraps them, `white-space: pre-wrap`).
 */
export function shown(text: string): string {
  return text.split(/\r\n?|\n/).map(visibleText).join('\n');
}

import { el } from './dom.ts';

/**
 * Issue 20: said plainly before anyone relies on it. Tor Browser keeps a site's storage
 * (IndexedDB included) in its private-browsing session only: "New Identity" and closing the
 * browser erase it.
 */
export function keysNotice(): HTMLElement {
  return el('section', { class: 'notice', 'aria-labelledby': 'keys-notice' },
    el('h2', { id: 'keys-notice' }, 'What this browser keeps'),
    el('p', {}, 'Keys and conversation state live in this browser\'s storage (IndexedDB), encrypted under your passphrase.'),
    el('p', {}, 'In Tor Browser, choosing "New Identity" or closing the browser erases them. After that this browser is a new device: you log in by password again, and messages sent to the old keys cannot be read here. Nothing on the server is lost.'),
    el('p', {}, 'This browser is one of your devices and its conversations are end-to-end encrypted (MLS), as in the terminal client. Anyone who opens this browser\'s storage still needs the passphrase to read them.'));
}

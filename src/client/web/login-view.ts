import { el } from './dom.ts';
import { keysNotice } from './keys-notice.ts';

export interface Credentials {
  readonly name: string;
  readonly password: string;
  /** This browser's keys and MLS conversations are sealed under it (issue 20): there is no session without one. */
  readonly passphrase: string;
  readonly register: boolean;
}

/** The first screen: name and password, and what this browser keeps. `submit` resolves to an error to show, or undefined. */
export function loginView(submit: (credentials: Credentials, progress: (text: string) => void) => Promise<string | undefined>): HTMLElement {
  const name = el('input', { id: 'name', name: 'username', autocomplete: 'username', required: '', autocapitalize: 'none', spellcheck: 'false' });
  const password = el('input', { id: 'password', type: 'password', autocomplete: 'current-password' });
  const passphrase = el('input', { id: 'passphrase', type: 'password', autocomplete: 'off', required: '', 'aria-describedby': 'passphrase-help' });
  const register = el('input', { id: 'register', type: 'checkbox' });
  const button = el('button', { type: 'submit' }, 'Log in');
  const status = el('p', { class: 'status', role: 'status' });
  const form = el('form', { 'aria-labelledby': 'login-title' },
    el('label', { for: 'name' }, 'Name'), name,
    el('label', { for: 'password' }, 'Password (once per browser, when it becomes your device)'), password,
    el('label', { for: 'passphrase' }, 'Passphrase for this browser\'s keys'), passphrase,
    el('p', { id: 'passphrase-help', class: 'help' }, 'This browser becomes one of your devices: conversations are end-to-end encrypted (MLS), and its keys are kept here, encrypted under this passphrase. Type the same one each time you log in here.'),
    el('label', { for: 'register', class: 'inline' }, register, 'Register this name (where the server allows it)'),
    button, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    status.textContent = 'Connecting…';
    void submit({ name: name.value.trim(), password: password.value, passphrase: passphrase.value, register: register.checked }, (text) => {
      status.textContent = text;
    }).then((error) => {
      button.disabled = false;
      status.textContent = error ?? '';
      if (error !== undefined) password.select();
    });
  });
  queueMicrotask(() => name.focus());
  return el('main', { class: 'login' }, el('h1', { id: 'login-title' }, 'Litsxg'), form, keysNotice());
}

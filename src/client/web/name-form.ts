import { el } from './dom.ts';

/**
 * A labelled input of a name (or, with `several`, of names separated by commas) and its button:
 * what is typed reaches `submit` trimmed and in lower case, as operator and group names are.
 */
export function nameForm(id: string, label: string, button: string, submit: (names: string[]) => void, several = false): HTMLFormElement {
  const input = el('input', { id, autocapitalize: 'none', spellcheck: 'false', required: '' });
  const form = el('form', {}, el('label', { for: id }, label), input, el('button', { type: 'submit' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const names = (several ? input.value.split(',') : [input.value]).map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
    if (names.length === 0) return;
    input.value = '';
    submit(names);
  });
  return form;
}

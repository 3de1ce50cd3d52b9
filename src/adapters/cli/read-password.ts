import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * PROTOCOL "Command line": the first line of standard input when it is not a terminal, else a
 * prompt without echo (twice when `confirm`).
 */
export async function readPassword(input: NodeJS.ReadStream, output: NodeJS.WritableStream, confirm: boolean): Promise<string> {
  if (!input.isTTY) return firstLine(input);
  const first = await promptHidden(input, output, 'Password: ');
  if (!confirm) return first;
  const second = await promptHidden(input, output, 'Again: ');
  if (first !== second) throw new Error('the passwords do not match');
  return first;
}

function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input, crlfDelay: Infinity });
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    lines.once('close', () => (answered ? undefined : reject(new Error('no password on standard input'))));
  });
}

function promptHidden(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  output.write(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input, output: muted, terminal: true });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      output.write('\n');
      lines.close();
      resolve(line);
    });
    lines.once('SIGINT', () => {
      lines.close();
      reject(new Error('cancelled'));
    });
  });
}

// `npm run test:adversarial`: runs the property tests and the adversarial suite (floods, faults,
// bad input, files test/properties/*.test.ts and test/adversarial/*.{test,adversarial}.ts),
// then prints the figures they recorded as one table.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'litsxg-figures-'));
const file = join(dir, 'figures.jsonl');
const pattern = process.argv[2] ?? '^(properties|adversarial)[\\\\/].*\\.(test|adversarial)\\.ts$';
const child = spawn(process.execPath, ['test/support/run-tests.mjs', pattern], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LITSXG_FIGURES_FILE: file },
});
child.on('close', (code) => {
  let figures = [];
  try {
    figures = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    // no test recorded a figure
  }
  rmSync(dir, { recursive: true, force: true });
  printTable(figures);
  process.exit(code ?? 1);
});

function printTable(figures) {
  const columns = [
    ['attack', 'attack'],
    ['connectionsShed', 'connections shed'],
    ['guessesPerMinute', 'guesses allowed/min'],
    ['peakRssMb', 'peak RSS (MiB)'],
    ['messagesLost', 'messages lost'],
    ['note', 'note'],
  ];
  const rows = figures.map((figure) => columns.map(([key]) => (figure[key] === undefined ? '—' : String(figure[key]))));
  const header = columns.map(([, title]) => title);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log('\nAdversarial figures');
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  if (rows.length === 0) console.log('(no figures recorded)');
}

import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../support/temp-dir.ts';
import { withTimeLimit } from '../support/time-limit.ts';

// `npm pack`, then `npm install -g` of the tarball into a temporary prefix, as an operator
// installs a release; the installed `litsxg` then runs on its own, away from this checkout.
const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const temp = tempDir('litsxg-package-');
const prefix = join(temp.path, 'prefix');
const litsxg = join(prefix, 'bin', 'litsxg');
const installed = join(prefix, 'lib', 'node_modules', 'litsxg');
let files: string[] = [];
let tarball = '';

// About 15 s here: npm fetches the dependencies' metadata from the registry.
test.before(withTimeLimit(300_000, async () => {
  // The tree is built (npm test builds first); `--ignore-scripts` packs it as it is, without a
  // second build racing anything that runs bin/litsxg meanwhile.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', temp.path], { cwd: root });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  files = packed!.files.map((file) => file.path);
  tarball = join(temp.path, packed!.filename);
  // From the npm cache `npm ci` filled where it can. better-sqlite3 would compile for minutes:
  // its install script is skipped and the binary this checkout built is reused (same version).
  await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund',
    tarball], { cwd: temp.path, timeout: 240_000 });
  const binary = join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(join(installed, 'node_modules', binary, '..'), { recursive: true });
  copyFileSync(join(root, 'node_modules', binary), join(installed, 'node_modules', binary));
}));

test.after(() => temp.remove());

test('the tarball holds the built code, its source maps and the launcher, no sources, tests or bench', () => {
  assert.ok(files.includes('dist/main.js'), files.join(' '));
  assert.ok(files.includes('dist/main.js.map'), files.join(' '));
  assert.ok(files.includes('bin/litsxg') && files.includes('bin/node-options'), files.join(' '));
  assert.equal(files.filter((path) => /\.ts$|^(src|test|bench|scripts|docker)\//.test(path)), []);
});

test('installing runs no script of ours: the install command of docs/operator-guide.md gets no install-scripts warning (issue 22)', async () => {
  const { scripts } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const atInstall = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare'];
  assert.equal(Object.keys(scripts).filter((name) => atInstall.includes(name)), []);
  // A dry run: npm lists the scripts it would run without approval, and installs nothing.
  const dryPrefix = join(temp.path, 'dry-run');
  mkdirSync(join(dryPrefix, 'lib'), { recursive: true });
  const { stderr } = await run('npm', ['install', '--global', '--allow-scripts=better-sqlite3', '--prefix', dryPrefix, '--dry-run', '--prefer-offline',
    '--no-audit', '--no-fund', tarball], { cwd: temp.path, timeout: 120_000 });
  assert.not.match(stderr, /install-scripts|allowScripts/);
});

test('only runtime dependencies are installed: the native better-sqlite3 and sodium-native, the rest is bundled in dist/', () => {
  const modules = readdirSync(join(installed, 'node_modules'));
  const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: object };
  assert.equal(Object.keys(devDependencies).filter((name) => modules.includes(name.split('/')[0]!)), []);
  assert.ok(modules.includes('better-sqlite3') && modules.includes('sodium-native'), modules.join(' '));
});

test('the installed litsxg adds an operator, serves, and answers health', async () => {
  const dataDir = join(temp.path, 'data');
  const added = await runWithInput(litsxg, ['operator', 'add', 'alice', '--data-dir', dataDir], 'correct horse battery\n');
  assert.is(added, 0);
  const server = spawn(litsxg, ['serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const port = await listeningPort(server);
    const { stdout } = await run(litsxg, ['operator', 'list', '--data-dir', dataDir]);
    assert.is(stdout, 'alice\n');
    const health = await runWithInput(litsxg, ['health', '--server', `127.0.0.1:${port}`], '');
    assert.is(health, 0);
  } finally {
    server.kill('SIGTERM');
  }
});

test('the installed litsxg has no bench, and says why', async () => {
  const error = await run(litsxg, ['bench', 'startup']).then(() => undefined, (e: { code: number; stderr: string }) => e);
  assert.is(error?.code, 2);
  assert.match(error?.stderr ?? '', /the bench is a development tool/);
  assert.not.ok(existsSync(join(installed, 'bench')));
});

function runWithInput(file: string, args: string[], input: string): Promise<number | null> {
  const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'inherit'] });
  child.stdin.end(input);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function listeningPort(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      lines.push(line);
      const entry = JSON.parse(line) as { event?: string; port?: number };
      if (entry.event === 'listening') resolve(Number(entry.port));
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${lines.join('\n')}`)));
  });
}

test.run();

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JsonLinesLogger } from '../../src/adapters/system/json-lines-logger.ts';
import { sourceLocation, sourceMappedStack } from '../../src/adapters/system/source-location.ts';
import { describeError } from '../../src/domain/describe-error.ts';

/** A package as npm run build lays it out: src/fail.ts bundled, minified, into dist/ with its map. */
function builtPackage(): string {
  const root = mkdtempSync(join(tmpdir(), 'litsxg-source-location-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'fail.ts'), [
    'export function harmless(): number {',
    '  return 1;',
    '}',
    '',
    'export function fail(reason: string): never {',
    '  throw new TypeError(reason);',
    '}',
    '',
  ].join('\n'));
  buildSync({ absWorkingDir: root, entryPoints: ['src/fail.ts'], outdir: 'dist', bundle: true, format: 'esm', sourcemap: true, sourcesContent: false, minifyWhitespace: true, minifySyntax: true, logLevel: 'silent' });
  return root;
}

const root = builtPackage();
const bundled = pathToFileURL(join(root, 'dist', 'fail.js')).href;

async function thrownByBundle(): Promise<Error> {
  const { fail } = await import(bundled) as { fail: (reason: string) => never };
  try {
    fail('secret content');
  } catch (error) {
    return error as Error;
  }
  throw new Error('fail did not throw');
}

test('a frame of the bundle is named by the TypeScript file and line it came from', async () => {
  const { where } = describeError(await thrownByBundle());
  assert.match(where!, /fail\.js:1:\d+\)$/, 'the bundle is one line');
  assert.is(sourceLocation(where!).replace(/:\d+\)$/, ')'), `at fail (${join(root, 'src', 'fail.ts')}:6)`);
});

test('the logger writes a failure\'s where as the source place; other fields as they came', async () => {
  const lines: string[] = [];
  new JsonLinesLogger('info', (line) => lines.push(line), () => 0).log('error', 'fatal', { ...describeError(await thrownByBundle()), reason: 'at x (/a/b.js:1:2)' });
  const fields = JSON.parse(lines[0]!) as { where: string; reason: string; error: string };
  assert.match(fields.where, /src\/fail\.ts:6:/);
  assert.is(fields.reason, 'at x (/a/b.js:1:2)');
  assert.is(fields.error, 'TypeError');
});

test('a whole stack is mapped frame by frame; frames without a map and other lines stay as they are', async () => {
  const error = await thrownByBundle();
  const stack = sourceMappedStack(String(error.stack));
  assert.match(stack, /^TypeError: secret content\n\s+at fail \(\/\S+\/src\/fail\.ts:6:\d+\)\n/);
  assert.match(stack, /source-location\.test\.ts:\d+:\d+/, 'this test file has no map beside it');
  const noMap = 'at run (/nowhere/dist/main.js:1:200)';
  assert.is(sourceLocation(noMap), noMap);
  assert.is(sourceLocation('at node:internal/process/task_queues:95:5'), 'at node:internal/process/task_queues:95:5');
});

test('an unreadable map leaves the frame as it came: logging a failure does not fail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'litsxg-bad-map-'));
  writeFileSync(join(dir, 'broken.js'), 'throw 1;\n');
  writeFileSync(join(dir, 'broken.js.map'), '{ not json');
  const frame = `at f (${join(dir, 'broken.js')}:1:1)`;
  assert.is(sourceLocation(frame), frame);
});

test.run();

import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runLitsxg } from '../support/run-litsxg.ts';
import { tempDir } from '../support/temp-dir.ts';

// What deceives the eye: a right-to-left override, an isolate, and a tab.
const DECEPTIVE = /[\u202e\u2066\t]/;

test('health shows a server-sent code visibly, never raw', async () => {
  const server = createServer((socket) => socket.end('{"op":"error","code":"\\u202ebusy\\u2066\\t","message":"x"}\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const result = await runLitsxg(['health', '--server', `127.0.0.1:${port}`]);
    assert.is(result.status, 1, result.stderr);
    assert.is(result.stderr, 'unhealthy: unexpected greeting: <U+202E>busy<U+2066>^I\n');
  } finally {
    server.close();
  }
});

test('operator and usage errors quote what was typed visibly, never raw', async () => {
  const data = tempDir();
  try {
    const operator = await runLitsxg(['operator', 'add', '\u202eevil\u2066', '--data-dir', data.path]);
    assert.is(operator.status, 1, operator.stderr);
    assert.match(operator.stderr, '"<U+202E>evil<U+2066>"');
    assert.not.match(operator.stderr, DECEPTIVE);
    const usage = await runLitsxg(['client', 'alice', 'extra\u202e\t']);
    assert.is(usage.status, 2, usage.stderr);
    assert.match(usage.stderr, 'extra<U+202E>');
    assert.not.match(usage.stderr, DECEPTIVE);
  } finally {
    data.remove();
  }
});

test.run();

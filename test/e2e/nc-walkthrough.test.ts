import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { section } from '../support/markdown.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { seedOperators } from '../support/seed-operators.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

/** One step of docs/client.md's `nc` walkthrough: a line typed in a terminal, or one the server shows there. */
interface Step {
  readonly terminal: string;
  readonly line: string;
  readonly fromServer: boolean;
}

/** The walkthrough's steps: `# terminal N` switches terminal, `<` marks the server's lines, `# …` is a comment. */
function walkthrough(): Step[] {
  const text = section('docs/client.md', 'A plain client: `nc`');
  const start = text.indexOf('```sh\n$ nc 127.0.0.1 7770');
  assert.ok(start !== -1, 'docs/client.md has the nc walkthrough');
  const block = text.slice(start, text.indexOf('```\n', start + 6)).split('\n').slice(1);
  const steps: Step[] = [];
  let terminal = '';
  for (const raw of block) {
    terminal = /# (terminal \d+)/.exec(raw)?.[1] ?? terminal;
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line.startsWith('<')) steps.push({ terminal, line: line.slice(1).trim(), fromServer: true });
    else if (line.startsWith('{')) steps.push({ terminal, line, fromServer: false });
  }
  return steps;
}

/**
 * A line the walkthrough shows as a pattern: its placeholders (`m-…`, the timestamp, a whole string
 * `"…"` such as hello's server id and challenge) stand for any id, time and value.
 */
function pattern(shown: string): RegExp {
  const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replaceAll('m-…', 'm-[A-Za-z0-9_-]+').replaceAll('"…"', '"[^"]+"').replace('1764115200000', '\\d+')}$`);
}

test("docs/client.md's nc walkthrough is what the server says, field order included", async () => {
  const data = tempDir();
  await seedOperators(data.path, ['alice'], 'correct horse battery');
  await seedOperators(data.path, ['bob'], 'staple of the battery');
  const server = await startServer({ dataDir: data.path });
  const terminals = new Map<string, { client: ProtocolClient; lastId: string }>();
  try {
    const steps = walkthrough();
    assert.ok(steps.length >= 12, `steps found: ${steps.length}`);
    for (const step of steps) {
      let terminal = terminals.get(step.terminal);
      if (!terminal) {
        terminal = { client: await ProtocolClient.connect(server.port), lastId: '' };
        terminals.set(step.terminal, terminal);
      }
      if (step.fromServer) {
        // Parsed and written back: a JSON object keeps the order its fields arrived in.
        const shown = await terminal.client.next();
        const line = JSON.stringify(shown);
        assert.match(line, pattern(step.line), `${step.terminal}: the walkthrough shows ${step.line}, the server sent ${line}`);
        if (typeof shown.id === 'string') terminal.lastId = shown.id;
      } else {
        terminal.client.sendRaw(`${step.line.replaceAll('m-…', terminal.lastId)}\n`);
      }
    }
    assert.ok(await terminals.get('terminal 2')?.client.waitClosed(), 'after bye the server closes the connection');
  } finally {
    for (const { client } of terminals.values()) client.close();
    await server.stop();
    data.remove();
  }
});

test.run();

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firefoxMissing, launchFirefox } from '../support/firefox.ts';
import { codeBlocks, section } from '../support/markdown.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { runLitsxg } from '../support/run-litsxg.ts';
import { LITSXG, startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { withTimeLimit } from '../support/time-limit.ts';
import { TmuxTerminal } from '../support/tmux-terminal.ts';

// Issue 22: the README's five-minute walkthrough, typed into real terminals as it says.
// LITSXG_SCREENSHOTS=docs/screenshots also renders the three terminals as the README's picture.
const SCREENSHOTS = process.env.LITSXG_SCREENSHOTS;
const walkthrough = section('README.md', 'A five-minute walkthrough');

/** `echo 'PASSWORD' | bin/litsxg operator add NAME` lines: name → password. */
const operators = new Map([...walkthrough.matchAll(/^echo '([^']+)' \| bin\/litsxg operator add ([a-z]+)$/gm)].map(([, password, name]) => [name!, password!]));
/** What the walkthrough has alice type: the lines of its plain code blocks, in order. */
const typed = codeBlocks(walkthrough).filter(({ language }) => language === '').flatMap(({ body }) => body.split('\n'));

test('the walkthrough adds three operators and has alice type a message and make a group', () => {
  assert.equal([...operators.keys()], ['alice', 'bob', 'carol']);
  assert.equal(typed.map((line) => line.split(' ')[0]), ['@bob', '/group', '/invite', '#ops']);
});

test('the walkthrough, typed into three terminals, shows what the README says it shows', withTimeLimit(170_000, async () => {
  const data = tempDir();
  const homes = tempDir();
  const terminals = new Map<string, TmuxTerminal>();
  const server = await startServer({ dataDir: data.path });
  try {
    for (const [name, password] of operators) {
      const added = await runLitsxg(['operator', 'add', name, '--data-dir', data.path], { input: `${password}\n` });
      assert.is(added.stdout, `added ${name}\n`);
    }
    for (const [name, password] of operators) {
      const terminal = await TmuxTerminal.start([LITSXG, 'client', name, '--server', `127.0.0.1:${server.port}`], { TZ: 'UTC', XDG_CONFIG_HOME: join(homes.path, name) });
      terminals.set(name, terminal);
      await terminal.waitFor(`password for ${name}:`);
      await terminal.line(password);
      await terminal.waitFor(`this client is now ${name}'s device`);
      await terminal.waitFor('conversations ready on device');
    }
    const [direct, create, invite, group] = typed as [string, string, string, string];
    const alice = terminals.get('alice')!;
    const shown = { bob: `alice: ${direct.replace(/^@bob /, '')}`, alice: '#1 to bob: ✓ received', group: `#ops alice: ${group.replace(/^#ops /, '')}` };
    for (const line of Object.values(shown)) assert.ok(walkthrough.includes(`\`${line}\``), `the README says ${line}`);

    await alice.line(direct);
    await terminals.get('bob')!.waitFor(shown.bob);
    await alice.waitFor(shown.alice);
    await alice.line(create);
    await alice.waitFor('#ops created');
    await alice.line(invite);
    await terminals.get('carol')!.waitFor('#ops you are in');
    await terminals.get('bob')!.waitFor('#ops you are in');
    await alice.line(group);
    for (const name of ['bob', 'carol']) await terminals.get(name)!.waitFor(shown.group);
    await alice.waitFor('#2 to #ops: ✓ received');
    if (SCREENSHOTS !== undefined) await picture(await Promise.all([...terminals].map(async ([name, terminal]) => ({ name, screen: await terminal.screen() }))), homes.path);
  } finally {
    await Promise.all([...terminals.values()].map((terminal) => terminal.stop()));
    await server.stop();
    data.remove();
    homes.remove();
  }
}));

/** The terminals side by side, as text in a dark monospace page (written in `workDir`), photographed by firefox-esr. */
async function picture(screens: readonly { name: string; screen: string }[], workDir: string): Promise<void> {
  const escape = (text: string) => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
  const panes = screens.map(({ name, screen }) => `<figure><figcaption>${name}</figcaption><pre>${escape(screen.trimEnd())}</pre></figure>`).join('');
  const page = `<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; padding: 12px; background: #f6f8fa; display: flex; gap: 12px; align-items: flex-start; width: max-content; }
    figure { margin: 0; background: #1e1e1e; border-radius: 6px; overflow: hidden; }
    figcaption { background: #3c3c3c; color: #ddd; font: 12px sans-serif; padding: 4px 10px; }
    pre { margin: 0; padding: 8px 10px; color: #e6e6e6; font: 12px/1.35 "DejaVu Sans Mono", monospace; width: 76ch; white-space: pre-wrap; }
  </style>${panes}`;
  const html = join(workDir, 'terminals.html');
  writeFileSync(html, page);
  mkdirSync(SCREENSHOTS!, { recursive: true });
  const browser = await launchFirefox();
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1800, height: 400 });
    await tab.goto(`file://${html}`);
    await (await tab.$('body'))!.screenshot({ path: resolve(SCREENSHOTS!, 'terminal-walkthrough.png') });
  } finally {
    await browser.close();
  }
}

runUnlessMissing(test, commandMissing('tmux'), SCREENSHOTS === undefined ? undefined : firefoxMissing());

import * as assert from 'uvu/assert';
import { runLitsxg } from '../support/run-litsxg.ts';
import { startServer } from '../support/server-process.ts';
import { readyClient, terminalClient, terminalSuite, type TerminalContext } from '../support/terminal-suite.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { withTimeLimit } from '../support/time-limit.ts';

const it = terminalSuite<TerminalContext>('membership lines name who made them; a verified contact\'s reset holds messages until /trust (docs/protocol.md "Holds")');

it('"#ops alice added carol" on every member; "carol left"; bob\'s reset told loudly, texts held both ways until /verify and /trust, then delivered; a new device of his is announced and holds texts to him until /trust', withTimeLimit(300_000, async (ctx) => {
  ctx.server = await startServer({ operators: ['alice', 'bob', 'carol'] });
  let alice = await readyClient(ctx, 'alice', 'alice');
  const [bob, carol] = [await readyClient(ctx, 'bob', 'bob'), await readyClient(ctx, 'carol', 'carol')];

  await alice.line('/group create ops');
  await alice.line('/invite ops bob');
  await bob.waitFor('#ops you are in');
  await alice.line('/invite ops carol');
  for (const member of [alice, bob]) await member.waitFor('#ops alice added carol');
  await carol.waitFor('#ops you are in');
  await carol.line('/leave ops');
  for (const member of [alice, bob]) await member.waitFor('#ops carol left');

  await alice.line('@bob hello');
  await bob.waitFor('alice: hello');
  await alice.line('/verify bob');
  await alice.waitFor('safety number with bob');
  await alice.line('/trust bob');
  await alice.waitFor('bob\'s key is pinned as verified');

  // bob loses his only device: the operator resets him, and he starts over on a new one.
  await bob.stop();
  assert.is((await runLitsxg(['operator', 'reset-devices', 'bob', '--data-dir', ctx.server.dataDir])).status, 0);
  const newBob = await readyClient(ctx, 'bob', 'bob-new');
  await newBob.line('@alice it is me, on a new phone');
  await alice.waitFor('*** bob\'s devices were reset: bob has a new safety number. Messages to and from bob are held until you /verify bob and /trust bob');
  await alice.waitFor(/! a message from bob\/\w+ is held, not shown, until you \/verify bob and \/trust bob/);
  await alice.line('@bob are you there?');
  await alice.waitFor('to bob: bob\'s safety number changed: held, not sent. Compare safety numbers (/verify bob), then /trust bob to send');
  assert.not.ok((await alice.screen()).includes('it is me, on a new phone'), 'nothing of the new identity shown before /trust');

  // carol, who no longer shares a conversation with bob but pinned him, is told when she next writes to him.
  await carol.line('@bob hi');
  await carol.waitFor('*** bob\'s devices were reset');
  await carol.waitFor('to bob: bob\'s safety number changed: held, not sent');

  // alice quits with her text held, and comes back: it is still held (docs/protocol.md "Holds"), and goes after /trust.
  await alice.line('/quit');
  assert.is(await alice.exitStatus(), 0);
  alice = await readyClient(ctx, 'alice', 'alice');
  await alice.waitFor(/! a message from bob\/\w+ is held, not shown/);
  await alice.line('/verify bob');
  await alice.waitFor('this is bob\'s NEW key');
  await alice.line('/trust bob');
  await alice.waitFor('bob: it is me, on a new phone', 60_000);
  await alice.waitFor(/sent what was held for bob: (delivered|queued)/, 60_000);
  await newBob.waitFor('alice: are you there?', 60_000);
  assert.not.ok((await newBob.screen()).includes('carol: hi'), 'carol\'s text still held');

  // bob, verified again, approves a second device: alice is told, and what she sends waits for /trust.
  const phone = await terminalClient(ctx, 'bob', 'bob-phone', ctx.server.port);
  const code = /\/devices approve ([a-z2-7]{5}-[a-z2-7]{5})/.exec(await phone.waitFor(/\/devices approve [a-z2-7]{5}-[a-z2-7]{5}/, 60_000))![1]!;
  await newBob.line(`/devices approve ${code}`);
  const phoneId = /approved device (\w+)/.exec(await newBob.waitFor(/approved device \w+/))![1]!;
  await alice.waitFor(`*** bob added a new device ${phoneId}: messages to bob are held until you /verify bob and /trust bob`, 90_000);
  await alice.line('@bob and your phone?');
  await alice.waitFor('to bob: bob has a new device: held, not sent');
  await alice.line('/verify bob');
  await alice.waitFor('bob is verified');
  await alice.line('/trust bob');
  await phone.waitFor('alice: and your phone?', 60_000);
}));

runUnlessMissing(it, commandMissing('tmux'));

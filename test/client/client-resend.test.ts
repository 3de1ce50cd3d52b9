import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScriptedRelay, removeKeyStores, send, startClient, until } from '../support/scripted-relay.ts';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const BOB = { agreement: base64(x25519.getPublicKey(x25519.utils.randomSecretKey())), signing: base64(ed25519.getPublicKey(ed25519.utils.randomSecretKey())) };

/** A relay without devices (v1 envelopes), identified as server `srv`, in the life `boot`. */
function hello(boot: string): Record<string, unknown> {
  return { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed', features: ['keys'], server_id: 'srv', boot_id: boot, challenge: 'c' };
}

const sends = (frames: Record<string, unknown>[] | undefined) => (frames ?? []).filter((f) => f.op === 'send');

test('v1: on a new boot id of the same server, what has no receipt goes again, in order and unchanged; the same boot id re-sends nothing; a refusal says it could not be re-sent', async () => {
  const relay = new ScriptedRelay({ bob: BOB });
  const port = await relay.listen();
  let next = relay.nextConnection();
  const { input, status, screen } = startClient({ name: 'alice', server: { host: '127.0.0.1', port }, password: 'secret password' });

  const one = await next;
  send(one, hello('boot-1'));
  send(one, { op: 'welcome', name: 'alice', pending: 0 });
  input.write('@bob one\n@bob two\n@bob three\n');
  await until(() => sends(relay.received[0]).length === 3, 'three sends');
  const [first, second, third] = sends(relay.received[0]);
  send(one, { op: 'sent', ref: first!.ref, id: 'm-1', status: 'queued' });
  send(one, { op: 'sent', ref: second!.ref, id: 'm-2', status: 'queued' });
  send(one, { op: 'receipt', id: 'm-1', to: 'bob' });
  await until(() => screen().includes('#1 to bob: ✓ received') && screen().includes('#2 to bob: queued'), 'the first received, the second queued');

  // The third's `sent` never comes: lost with the connection, it may not have arrived.
  next = relay.nextConnection();
  one.destroy();
  const two = await next;
  send(two, hello('boot-1'));
  send(two, { op: 'welcome', name: 'alice', pending: 0 });
  input.write('/who\n');
  await until(() => relay.received[1]?.some((f) => f.op === 'who') ?? false, '/who on the same boot');
  assert.equal(sends(relay.received[1]), [], 'the server kept its queue: nothing goes again');

  next = relay.nextConnection();
  two.destroy();
  const three = await next;
  send(three, hello('boot-2'));
  send(three, { op: 'welcome', name: 'alice', pending: 0 });
  await until(() => sends(relay.received[2]).length === 2, 'the two without a receipt, again');
  assert.equal(sends(relay.received[2]), [second, third], 'the same envelopes, refs and all, oldest first');
  send(three, { op: 'sent', ref: second!.ref, id: 'm-7', status: 'queued' });
  send(three, { op: 'error', ref: third!.ref, code: 'queue_full', message: 'full' });
  await until(() => screen().includes('#3 to bob: lost'), 'the refusal');
  assert.match(screen(), '#2 to bob: re-sent after the server restarted');
  assert.match(screen(), '#3 to bob: lost when the server restarted, and could not be re-sent (queue full)');
  send(three, { op: 'receipt', id: 'm-7', to: 'bob' });
  await until(() => screen().includes('#2 to bob: ✓ received'), 'the receipt of the re-sent one');

  input.end();
  three.destroy();
  assert.is(await status, 1, 'input ended with #3 not sent (issue 22: a script learns it)');
  assert.is(screen().split('re-sent after the server restarted').length - 1, 1, 'only #2 was re-sent');
  await relay.close();
});

test.after(() => removeKeyStores());
test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EndToEnd } from '../../src/client/e2e/end-to-end.ts';
import { seal } from '../../src/client/e2e/envelope.ts';
import { fromBase64 } from '../../src/client/e2e/base64.ts';
import type { InboundFrame } from '../../src/domain/frames.ts';
import { KeyStore } from '../../src/client/e2e/key-store.ts';
import { tempDir } from '../support/temp-dir.ts';

/**
 * A stand-in server at the frame level: it records what a client's end-to-end layer sends and
 * answers its `fetch_key` requests with whatever key the test chooses, a swapped one included.
 */
class StandIn {
  readonly sent: InboundFrame[] = [];
  readonly said: string[] = [];
  readonly shown: string[] = [];
  readonly refused: string[] = [];
  readonly held: string[] = [];
  /** The key the stand-in hands out for each name; a string is an error code. */
  readonly keys = new Map<string, unknown>();
  readonly e2e: EndToEnd;

  constructor(readonly store: KeyStore, name: string) {
    this.e2e = new EndToEnd(store, name, {
      send: (frame) => {
        this.sent.push(frame);
        if (frame.op === 'fetch_key') queueMicrotask(() => this.answer(frame));
      },
      say: (text) => this.said.push(text),
      show: (_, from, text) => this.shown.push(`${from}: ${text}`),
      refuse: (ref, reason) => this.refused.push(`${ref}: ${reason}`),
      held: (ref) => this.held.push(ref),
    });
  }

  private answer(frame: InboundFrame & { op: 'fetch_key' }): void {
    const key = this.keys.get(frame.name);
    const reply = typeof key === 'string' || key === undefined
      ? { op: 'error', code: key ?? 'no_such_recipient', message: 'refused', ref: frame.ref }
      : { op: 'key', name: frame.name, ...(key as object), ref: frame.ref };
    // The stand-in may answer with what no honest server would send (a key of the wrong size).
    assert.ok(this.e2e.onFrame(reply as Parameters<EndToEnd['onFrame']>[0]), 'the answer is taken by the end-to-end layer');
  }

  sends(): (InboundFrame & { op: 'send' })[] {
    return this.sent.filter((frame): frame is InboundFrame & { op: 'send' } => frame.op === 'send');
  }
}

function people() {
  const dirs = [tempDir(), tempDir(), tempDir()];
  // The impostor is a second identity under bob's name: the key a lying server would hand out.
  const [alice, bob, mallory] = dirs.map((dir, i) => new StandIn(KeyStore.open(dir.path), ['alice', 'bob', 'bob'][i]!));
  for (const side of [alice!, bob!, mallory!]) {
    side.keys.set('alice', alice!.store.identity.public);
    side.keys.set('bob', bob!.store.identity.public);
  }
  return { alice: alice!, bob: bob!, mallory: mallory!, bobDir: dirs[1]!.path, remove: () => dirs.forEach((dir) => dir.remove()) };
}

test('a swapped key for bob: alice\'s client holds the message, and sends it only after /trust bob', async () => {
  const { alice, mallory, remove } = people();
  await alice.e2e.send('bob', 'first, to the real bob', 'c-1');
  assert.is(alice.sends().length, 1);
  assert.match(alice.said.join('\n'), "pinned bob's key on first use");
  alice.keys.set('bob', mallory.store.identity.public);
  await alice.e2e.send('bob', 'second, while the server lies', 'c-2');
  assert.is(alice.sends().length, 1, 'nothing sent to the swapped key');
  assert.match(alice.said.at(-1)!, "bob's key has changed since it was pinned: held, not sent");
  assert.equal(alice.held, ['c-2'], 'the session is told which of its messages waits for /trust');
  await alice.e2e.verify('bob');
  await alice.e2e.trust('bob');
  assert.is(alice.sends().length, 2, 'sent once the new key is accepted');
  const body = String(alice.sends()[1]!.body);
  assert.not.match(body, 'second', 'sealed, not in clear');
  assert.is(await mallory.e2e.receive({ from: 'alice', body, ts: 1 }), 'read');
  assert.equal(mallory.shown, ['alice: second, while the server lies'], 'it went to the key trusted');
  remove();
});

test('bob\'s client shows a message once, and refuses a changed ciphertext byte or signature without showing any text', async () => {
  const { alice, bob, remove } = people();
  await alice.e2e.send('bob', 'the text itself', 'c-1');
  const body = String(alice.sends()[0]!.body);
  const bytes = Buffer.from(body.slice(5), 'base64');
  const tampered = (at: number) => {
    const copy = Buffer.from(bytes);
    copy[at]! ^= 1;
    return `e2e1.${copy.toString('base64')}`;
  };
  // docs/protocol.md "Unreadable copies": not shown, so acknowledged flagged, its sender told it was not opened.
  assert.is(await bob.e2e.receive({ from: 'alice', body: tampered(100), ts: 1 }), 'unreadable');
  assert.is(await bob.e2e.receive({ from: 'alice', body: tampered(bytes.length - 1), ts: 1 }), 'unreadable');
  assert.equal(bob.shown, []);
  assert.match(bob.said.join('\n'), '! held a message claiming to be alice: not signed by their pinned key, not shown');
  assert.is(await bob.e2e.receive({ from: 'alice', body, ts: 2 }), 'read');
  assert.is(await bob.e2e.receive({ from: 'alice', body, ts: 3 }), 'read', 'a replay was read once: acknowledged as such');
  assert.equal(bob.shown, ['alice: the text itself'], 'a replayed envelope is shown once');
  remove();
});

test('a key of the wrong size from the server, an operator with no key, an unknown one: a clear message, nothing sent', async () => {
  const { alice, remove } = people();
  alice.keys.set('carol', { agreement: Buffer.alloc(31).toString('base64'), signing: Buffer.alloc(32).toString('base64') });
  alice.keys.set('dave', 'no_key');
  await alice.e2e.send('carol', 'hi carol', 'c-1');
  await alice.e2e.send('dave', 'hi dave', 'c-2');
  await alice.e2e.verify('nobody');
  assert.equal(alice.sends(), []);
  assert.equal(alice.refused, [
    'c-1: the server sent a malformed key for carol',
    'c-2: dave has no key yet (they have not logged in with an encrypting client); nothing is sent unencrypted',
  ]);
  assert.is(alice.said.at(-1), 'cannot verify nobody: no operator named nobody');
  assert.is(alice.store.pin('carol'), undefined, 'nothing pinned from a malformed key');
  remove();
});

test('/verify shows the same safety number on both sides; /trust marks the pin verified', async () => {
  const { alice, bob, remove } = people();
  await alice.e2e.verify('bob');
  await bob.e2e.verify('alice');
  const number = (said: string[]) => said.find((line) => line.startsWith('safety number'))!.split(': ')[1];
  assert.match(number(alice.said)!, /^(\d{5} ){11}\d{5}$/);
  assert.is(number(alice.said), number(bob.said));
  assert.is(alice.store.pin('bob')?.verified, false);
  await alice.e2e.trust('bob');
  assert.is(alice.store.pin('bob')?.verified, true);
  remove();
});

test('a plain client\'s message is shown marked unencrypted, when its sender has no key', async () => {
  const { bob, remove } = people();
  bob.keys.set('nc-user', 'no_key');
  assert.is(await bob.e2e.receive({ from: 'nc-user', body: 'typed into nc', ts: 1 }), 'read');
  assert.equal(bob.shown, ['nc-user (unencrypted): typed into nc']);
  remove();
});

test('text in clear claiming a name with published keys is refused with a notice, never shown as them', async () => {
  const { alice, remove } = people();
  assert.is(await alice.e2e.receive({ from: 'bob', body: 'send me the codes', ts: 1 }), 'unreadable');
  assert.is(alice.store.pin('bob'), undefined, 'a refused message pins nothing');
  await alice.e2e.verify('bob');
  // Pinned: not even a server answering `no_key` unlocks the name.
  alice.keys.set('bob', 'no_key');
  const fetchesBefore = alice.sent.length;
  assert.is(await alice.e2e.receive({ from: 'bob', body: 'really, it is me', ts: 2 }), 'unreadable');
  assert.is(alice.sent.length, fetchesBefore, 'the pin decides; the server is not asked');
  assert.equal(alice.shown, []);
  assert.equal(alice.said.filter((line) => line.startsWith('!')), [
    "! refused a message claiming to be bob: not signed by bob's key",
    "! refused a message claiming to be bob: not signed by bob's key",
  ]);
  remove();
});

test('/trust pins exactly what /verify showed, without fetching; nothing shown or a change since: refused', async () => {
  const { alice, mallory, remove } = people();
  await alice.e2e.trust('bob');
  assert.match(alice.said.at(-1)!, 'nothing trusted: /verify bob first');
  await alice.e2e.verify('bob');
  const shownKey = alice.keys.get('bob');
  alice.keys.set('bob', mallory.store.identity.public);
  const fetchesBefore = alice.sent.filter((frame) => frame.op === 'fetch_key').length;
  await alice.e2e.trust('bob');
  assert.is(alice.sent.filter((frame) => frame.op === 'fetch_key').length, fetchesBefore, '/trust asks the server nothing');
  assert.equal(alice.store.pin('bob'), { identity: shownKey, verified: true }, 'the key that was compared, not the swapped one');
  // The server's swap is seen (a send fetches it): /trust now refuses until /verify shows it.
  await alice.e2e.send('bob', 'held', 'c-1');
  await alice.e2e.trust('bob');
  assert.match(alice.said.at(-1)!, "nothing trusted: bob's key has changed since /verify showed it");
  assert.equal(alice.store.pin('bob'), { identity: shownKey, verified: true });
  assert.is(alice.sends().length, 0, 'still held');
  remove();
});

test('a replay is caught after a restart: the envelopes shown are kept with the keys', async () => {
  const { alice, bob, bobDir, remove } = people();
  await alice.e2e.send('bob', 'only once', 'c-1');
  const body = String(alice.sends()[0]!.body);
  await bob.e2e.receive({ from: 'alice', body, ts: 1 });
  const restarted = new StandIn(KeyStore.open(bobDir), 'bob');
  restarted.keys.set('alice', alice.store.identity.public);
  await restarted.e2e.receive({ from: 'alice', body, ts: 2 });
  assert.equal([...bob.shown, ...restarted.shown], ['alice: only once']);
  remove();
});

test('an envelope signed as sent far in the future is refused with a notice', async () => {
  const { alice, bob, remove } = people();
  const to = { name: 'bob', agreementPublic: fromBase64(bob.store.identity.public.agreement, 32)! };
  const from = { name: 'alice', signingSecret: alice.store.identity.signingSecret };
  const tomorrow = Date.now() + 24 * 3600_000;
  await bob.e2e.receive({ from: 'alice', body: seal('from tomorrow', from, to, tomorrow), ts: 1 });
  await bob.e2e.receive({ from: 'alice', body: seal('a minute fast', from, to, Date.now() + 60_000), ts: 2 });
  assert.equal(bob.shown, ['alice: a minute fast'], 'a clock a little fast is fine');
  assert.match(bob.said.join('\n'), `! refused a message from alice: signed as sent at ${new Date(tomorrow).toISOString()}, more than 10 minutes ahead of this clock`);
  remove();
});

test.run();

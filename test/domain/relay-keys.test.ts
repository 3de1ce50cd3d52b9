import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keyLoginMessage } from '../../src/domain/identity-keys.ts';
import { inProcessRelay } from '../support/in-process-relay.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function identity() {
  const signing = ed25519.keygen();
  return { signing, published: { agreement: b64(x25519.keygen().publicKey), signing: b64(signing.publicKey) } };
}

function challengeOf(h: ReturnType<typeof inProcessRelay>, connection: string): string {
  const hello = h.gateway.sentTo(connection)[0] as { challenge: string };
  return hello.challenge;
}

function sign(secret: Uint8Array, challenge: string, name: string, serverId = 'test-server'): string {
  return b64(ed25519.sign(new TextEncoder().encode(keyLoginMessage(serverId, challenge, name)), secret));
}

test('a published key is fetched by any operator; a name without one is no_key, an unknown name no_such_recipient', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice', 'bob', 'carol');
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  const { published } = identity();
  assert.equal(await h.frame(alice, { op: 'publish_key', ...published, ref: 'p' }), [{ op: 'key_published', ref: 'p' }]);
  assert.equal(await h.frame(bob, { op: 'fetch_key', name: 'alice', ref: 'f' }), [{ op: 'key', name: 'alice', ...published, ref: 'f' }]);
  const none = await h.frame(bob, { op: 'fetch_key', name: 'carol' });
  assert.equal(none[0]?.op === 'error' && none[0].code, 'no_key');
  const unknown = await h.frame(bob, { op: 'fetch_key', name: 'mallory' });
  assert.equal(unknown[0]?.op === 'error' && unknown[0].code, 'no_such_recipient');
});

test('a key of the wrong size or not in canonical base64 is invalid, and nothing is stored', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice');
  const alice = await h.login('alice');
  const good = identity().published;
  for (const bad of [
    { ...good, agreement: b64(new Uint8Array(31)) },
    { ...good, signing: b64(new Uint8Array(33)) },
    { ...good, signing: `${good.signing.slice(0, 42)}B=` },
    { ...good, agreement: 42 },
    { signing: good.signing },
  ]) {
    const answer = await h.frame(alice, { op: 'publish_key', ...bad });
    assert.equal(answer[0]?.op === 'error' && answer[0].code, 'invalid', JSON.stringify(bad));
  }
  assert.is(await h.directory.find('alice'), undefined);
});

test('keys are published and fetched only after authentication', async () => {
  const h = inProcessRelay();
  const c = h.open();
  for (const frame of [{ op: 'publish_key', ...identity().published }, { op: 'fetch_key', name: 'alice' }]) {
    const answer = await h.frame(c, frame);
    assert.equal(answer[0]?.op === 'error' && answer[0].code, 'not_authenticated');
  }
});

test('login by key: a signature over this connection\'s challenge logs in, with no password hashed', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice');
  const { signing, published } = identity();
  await h.directory.publish('alice', published);
  const c = h.open();
  const signature = sign(signing.secretKey, challengeOf(h, c), 'alice');
  assert.equal(await h.frame(c, { op: 'auth_key', name: 'alice', signature }), [{ op: 'welcome', name: 'alice', pending: 0 }]);
  assert.is(h.hasher.verifications, 0);
  const again = await h.frame(c, { op: 'auth_key', name: 'alice', signature });
  assert.equal(again[0]?.op === 'error' && again[0].code, 'already_authenticated', 'one login per connection');
});

test('a signature for another connection, another server, another name or by another key fails like a wrong password', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice', 'bob');
  const { signing, published } = identity();
  await h.directory.publish('alice', published);
  await h.directory.publish('bob', identity().published);
  const earlier = h.open();
  const c = h.open();
  const challenge = challengeOf(h, c);
  const attempts = [
    { name: 'alice', signature: sign(signing.secretKey, challengeOf(h, earlier), 'alice') },
    { name: 'alice', signature: sign(signing.secretKey, challenge, 'alice', 'another-server') },
    { name: 'bob', signature: sign(signing.secretKey, challenge, 'bob') },
  ];
  for (const attempt of attempts.slice(0, 2)) {
    const answer = await h.frame(c, { op: 'auth_key', ...attempt });
    assert.equal(answer[0]?.op === 'error' && answer[0].code, 'auth_failed', JSON.stringify(attempt));
  }
  const third = await h.frame(c, { op: 'auth_key', ...attempts[2] });
  assert.equal(third[0]?.op === 'error' && third[0].code, 'auth_failed');
  assert.ok(h.gateway.closed.has(c), 'the third failure closes the connection, as for passwords');
  const unpublished = h.open();
  const answer = await h.frame(unpublished, { op: 'auth_key', name: 'mallory', signature: sign(signing.secretKey, challengeOf(h, unpublished), 'mallory') });
  assert.equal(answer[0]?.op === 'error' && answer[0].code, 'auth_failed', 'an unknown name fails the same way');
});

test('key logins share the password guess throttle', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice');
  const { signing, published } = identity();
  await h.directory.publish('alice', published);
  for (let i = 0; i < 4; i++) await h.frame(h.open(), { op: 'auth', name: 'alice', password: 'wrong guess!' });
  const c = h.open();
  const answer = await h.frame(c, { op: 'auth_key', name: 'alice', signature: sign(signing.secretKey, challengeOf(h, c), 'alice') });
  assert.equal(answer[0]?.op === 'error' && answer[0].code, 'rate_limited');
});

test('a revoked key no longer logs in', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice');
  const { signing, published } = identity();
  await h.directory.publish('alice', published);
  assert.equal(await h.accounts.revokeKey('alice'), { ok: true });
  const c = h.open();
  const answer = await h.frame(c, { op: 'auth_key', name: 'alice', signature: sign(signing.secretKey, challengeOf(h, c), 'alice') });
  assert.equal(answer[0]?.op === 'error' && answer[0].code, 'auth_failed');
});

test.run();

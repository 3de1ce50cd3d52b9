import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { outline } from '../support/frame-assertions.ts';
import { PORT_MODES, inProcessRelay } from '../support/in-process-relay.ts';
import type { PortMode } from '../support/in-process-relay.ts';
import { PASSWORD } from '../support/seed-operators.ts';

function sessionSuite(mode: PortMode): void {
  const test = suite(`relay sessions, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);

  test('a connection is greeted with hello saying whether registration is open, with the keys feature and a fresh challenge', () => {
    const closed = inProcessRelay({ mode });
    const { challenge, ...rest } = closed.last(closed.open()) as Record<string, unknown>;
    assert.equal(rest, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed', features: ['keys', 'devices', 'groups'], server_id: 'test-server', boot_id: 'test-boot' });
    assert.match(String(challenge), /^[A-Za-z0-9+/]{32}$/);
    assert.is.not((closed.last(closed.open()) as Record<string, unknown>).challenge, challenge, 'fresh per connection');
    const open = inProcessRelay({ mode, config: { registration: 'open' } });
    assert.is((open.last(open.open()) as Record<string, unknown>).registration, 'open');
  });

  test('a server told to publish an onion says in hello whether it is up (docs/protocol.md "Onion")', () => {
    const status: { onion: 'up' | 'down' } = { onion: 'down' };
    const h = inProcessRelay({ mode, onion: status });
    const greeting = () => h.last(h.open()) as Record<string, unknown>;
    assert.equal([greeting().op, greeting().onion], ['hello', 'down']);
    status.onion = 'up';
    assert.equal([greeting().op, greeting().onion], ['hello', 'up']);
    const plain = inProcessRelay({ mode });
    assert.is((plain.last(plain.open()) as Record<string, unknown>).onion, undefined, 'no onion field without --onion');
  });

  test('past the connection limit a connection gets server_busy instead of hello, and is closed', () => {
    const h = inProcessRelay({ mode, config: { maxConnections: 1 } });
    h.open();
    const refused = h.open();
    assert.equal(outline(h.gateway.sentTo(refused)), ['server_busy']);
    assert.ok(h.gateway.closed.has(refused));
  });

  test('auth answers welcome with the pending count', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const c = h.open();
    assert.equal(await h.frame(c, { op: 'auth', name: 'alice', password: PASSWORD }), [{ op: 'welcome', name: 'alice', pending: 0 }]);
  });

  test('unknown names and wrong passwords get the same auth_failed, each costing one verification', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const c = h.open();
    const wrong = await h.frame(c, { op: 'auth', name: 'alice', password: 'not the password' });
    const unknown = await h.frame(c, { op: 'auth', name: 'mallory', password: 'whatever it is' });
    assert.equal(wrong, unknown);
    assert.equal(outline(wrong), ['auth_failed']);
    assert.is(h.hasher.verifications, 2);
  });

  test('the third failure on one connection closes it with auth_failed', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice', 'bob', 'carol');
    const c = h.open();
    for (const name of ['alice', 'bob']) await h.frame(c, { op: 'auth', name, password: 'wrong password' });
    assert.not.ok(h.gateway.closed.has(c));
    await h.frame(c, { op: 'auth', name: 'carol', password: 'wrong password' });
    assert.ok(h.gateway.closed.has(c));
  });

  test('before authentication only auth, register, ping and quit are accepted', async () => {
    const h = inProcessRelay({ mode });
    const c = h.open();
    for (const frame of [{ op: 'send', to: 'bob', body: 'x', ref: 'r' }, { op: 'who' }, { op: 'ack', id: 'm' }, { op: 'send' }]) {
      assert.equal(outline(await h.frame(c, frame)), ['not_authenticated'], JSON.stringify(frame));
    }
    assert.equal(await h.frame(c, { op: 'ping', ref: 'p' }), [{ op: 'pong', ref: 'p' }]);
    assert.equal((await h.frame(c, { op: 'fly' }))[0], { op: 'error', code: 'unknown_op', message: 'unknown op' });
  });

  test('the auth deadline closes only unauthenticated connections', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const idle = h.open();
    const alice = await h.login('alice');
    h.relay.onAuthDeadline(idle);
    h.relay.onAuthDeadline(alice);
    assert.equal(h.last(idle), { op: 'error', code: 'auth_timeout', message: 'not authenticated in time' });
    assert.ok(h.gateway.closed.has(idle));
    assert.not.ok(h.gateway.closed.has(alice));
  });

  test('the idle timeout closes authenticated connections with idle_timeout', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const alice = await h.login('alice');
    h.relay.onIdle(alice);
    assert.equal(h.last(alice), { op: 'error', code: 'idle_timeout', message: 'idle for too long' });
    assert.ok(h.gateway.closed.has(alice));
  });

  test('a second auth on an authenticated connection is already_authenticated', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const c = await h.login('alice');
    const [reply] = await h.frame(c, { op: 'auth', name: 'alice', password: PASSWORD, ref: 'again' });
    assert.equal(reply, { op: 'error', code: 'already_authenticated', message: 'already authenticated', ref: 'again' });
  });

  test('register: closed, open, name_taken, weak_password', async () => {
    const closed = inProcessRelay({ mode });
    const c = closed.open();
    assert.equal(await closed.frame(c, { op: 'register', name: 'carol', password: PASSWORD }), [{
      op: 'error', code: 'registration_closed', message: 'registration is closed',
    }]);
    const h = inProcessRelay({ mode, config: { registration: 'open' } });
    await h.addOperators('alice');
    const d = h.open();
    const codes = [];
    for (const frame of [
      { op: 'register', name: 'alice', password: PASSWORD },
      { op: 'register', name: 'carol', password: '123456789' },
      { op: 'register', name: 'carol', password: '😀😀😀😀😀😀😀😀😀' },
    ]) codes.push(...outline(await h.frame(d, frame)));
    assert.equal(codes, ['name_taken', 'weak_password', 'weak_password']);
    assert.equal(await h.frame(d, { op: 'register', name: 'carol', password: '😀'.repeat(10) }), [{ op: 'welcome', name: 'carol', pending: 0 }]);
    assert.ok(await h.credentials.exists('carol'));
  });

  test('register: a name or password the accounts refuse as malformed is invalid, not weak_password', async () => {
    const h = inProcessRelay({ mode, config: { registration: 'open' } });
    const c = h.open();
    const codes = [];
    for (const code of ['invalid_name', 'invalid_password'] as const) {
      h.accounts.add = async () => ({ ok: false, code });
      codes.push(...outline(await h.frame(c, { op: 'register', name: 'carol', password: PASSWORD })));
    }
    assert.equal(codes, ['invalid', 'invalid']);
  });

  test('the 16th malformed frame closes the connection with too_many_errors', async () => {
    const h = inProcessRelay({ mode });
    const c = h.open();
    for (let i = 1; i <= 15; i++) {
      const replies = await h.frame(c, i % 3 === 0 ? 'nope' : i % 3 === 1 ? { op: 'dance' } : { op: 'auth' });
      assert.equal(outline(replies), [i % 3 === 0 ? 'bad_frame' : i % 3 === 1 ? 'unknown_op' : 'invalid']);
    }
    assert.not.ok(h.gateway.closed.has(c));
    assert.equal(outline(await h.frame(c, 'still nope')), ['too_many_errors']);
    assert.ok(h.gateway.closed.has(c));
    assert.equal(await h.frame(c, { op: 'ping' }), [], 'nothing is answered once closing');
  });

  test('other errors do not count towards too_many_errors', async () => {
    const h = inProcessRelay({ mode });
    const c = h.open();
    for (let i = 0; i < 20; i++) await h.frame(c, { op: 'who' });
    assert.not.ok(h.gateway.closed.has(c));
  });

  test('quit answers bye and closes', async () => {
    const h = inProcessRelay({ mode });
    const c = h.open();
    assert.equal(await h.frame(c, { op: 'quit' }), [{ op: 'bye', reason: 'quit' }]);
    assert.ok(h.gateway.closed.has(c));
  });

  test('shutdown says bye to every connection, authenticated or not', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const anonymous = h.open();
    const alice = await h.login('alice');
    h.relay.shutdown();
    for (const c of [anonymous, alice]) {
      assert.equal(h.last(c), { op: 'bye', reason: 'shutdown' });
      assert.ok(h.gateway.closed.has(c));
    }
  });

  test('an oversized frame is fatal frame_too_large', async () => {
    const h = inProcessRelay({ mode });
    const c = h.open();
    h.relay.onOversizedFrame(c);
    assert.equal(h.last(c), { op: 'error', code: 'frame_too_large', message: 'frame longer than the frame limit' });
    assert.ok(h.gateway.closed.has(c));
  });

  test('an exception in a handler costs that frame an internal error, not the connection', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const alice = await h.login('alice');
    h.presence.online = async () => {
      throw new Error('presence is down: secret body text');
    };
    assert.equal(await h.frame(alice, { op: 'who', ref: 'w' }), [{ op: 'error', code: 'internal', message: 'internal error', ref: 'w' }]);
    assert.equal(await h.frame(alice, { op: 'ping' }), [{ op: 'pong' }]);
    const entry = h.logger.entries.find((e) => e.event === 'handler_failed');
    assert.equal(entry?.fields.op, 'who');
    assert.not.ok(JSON.stringify(entry).includes('secret body text'), 'the log says where, not what');
    assert.match(String(entry?.fields.where), 'relay-session.test.ts');
  });

  test('a failing port on close or drain is logged, never thrown at the transport', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const alice = await h.login('alice');
    h.buffer.take = () => {
      throw new Error('buffer down');
    };
    h.presence.release = async () => {
      throw new Error('presence down');
    };
    await h.relay.onDrain(alice);
    await h.relay.onClose(alice);
    assert.equal(h.logger.entries.filter((e) => e.event === 'handler_failed').map((e) => e.fields.op), ['push', 'close']);
    assert.is(h.sessions.get(alice), undefined);
  });

  test('closing a connection forgets its session and its presence', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice', 'bob');
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    await h.relay.onClose(alice);
    assert.is(h.sessions.get(alice), undefined);
    assert.equal(await h.frame(bob, { op: 'who' }), [{ op: 'online', names: ['bob'] }]);
  });

  test.run();
}

for (const mode of PORT_MODES) sessionSuite(mode);

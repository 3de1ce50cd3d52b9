import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InboundFrame } from '../../src/domain/frames.ts';
import { PresenceNotices } from '../../src/client/presence-notices.ts';
import { errorFrame } from '../../src/domain/frames.ts';

function notices(names: string[]) {
  const sent: InboundFrame[] = [];
  const said: string[] = [];
  const timers: { ms: number; work: () => void }[] = [];
  const presence = new PresenceNotices({ send: (frame) => sent.push(frame), say: (text) => said.push(text), names: () => names, later: (ms, work) => timers.push({ ms, work }) });
  return { presence, sent, said, names, timers };
}

test('watches its conversations\' operators once logged in, again only when they change, and anew on each connection', () => {
  const { presence, sent, names } = notices([]);
  presence.refresh();
  presence.loggedIn();
  assert.equal(sent, [], 'nothing to watch: no frame');
  names.push('bob');
  presence.refresh();
  presence.refresh();
  assert.equal(sent, [{ op: 'watch', names: ['bob'], ref: 'presence' }]);
  presence.connectionLost();
  presence.refresh();
  presence.loggedIn();
  assert.is(sent.length, 2);
});

test('says each change once; the watch answer is a baseline, not a notice; /presence off stops them and tells the relay', () => {
  const { presence, sent, said } = notices(['bob', 'carol']);
  presence.loggedIn();
  assert.is(presence.onFrame({ op: 'online', names: ['bob'], ref: 'presence' }), true);
  presence.onFrame({ op: 'presence', name: 'bob', online: true });
  presence.onFrame({ op: 'presence', name: 'carol', online: true });
  presence.onFrame({ op: 'presence', name: 'carol', online: true });
  presence.onFrame({ op: 'presence', name: 'bob', online: false });
  assert.equal(said, ['carol is online', 'bob left']);
  assert.is(presence.onFrame({ op: 'online', names: ['bob'] }), false, '/who\'s answer is shown as before');
  presence.switch(false);
  presence.onFrame({ op: 'presence', name: 'bob', online: true });
  assert.equal(said.slice(2), ['presence notices off']);
  assert.equal(sent.at(-1), { op: 'watch', names: [], ref: 'presence' });
  presence.switch(true);
  assert.equal(sent.at(-1), { op: 'watch', names: ['bob', 'carol'], ref: 'presence' });
});

test('an older relay\'s unknown_op turns presence off without a word', () => {
  const { presence, sent, said, names } = notices(['bob']);
  presence.loggedIn();
  assert.is(presence.onFrame({ op: 'error', code: 'unknown_op', message: 'unknown op', ref: 'presence' }), true);
  names.push('carol');
  presence.refresh();
  presence.connectionLost();
  presence.loggedIn();
  assert.is(sent.length, 1);
  assert.equal(said, []);
});

test('a watch refused for the send rate goes again after the wait the relay named, once, and not after the connection was lost', () => {
  const { presence, sent, timers } = notices(['bob']);
  presence.loggedIn();
  assert.is(presence.onFrame(errorFrame('rate_limited', 'presence', 500)), true);
  assert.equal(timers.map((timer) => timer.ms), [500]);
  timers[0]!.work();
  assert.equal(sent, [{ op: 'watch', names: ['bob'], ref: 'presence' }, { op: 'watch', names: ['bob'], ref: 'presence' }]);
  presence.onFrame(errorFrame('rate_limited', 'presence', 500));
  presence.connectionLost();
  timers[1]!.work();
  assert.is(sent.length, 2, 'the next login watches anew');
});

test.run();

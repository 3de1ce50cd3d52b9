import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { instanceChannel } from '../../src/adapters/redis/instance-command.ts';
import { InstanceIdentity } from '../../src/adapters/redis/instance-identity.ts';
import { RedisInstanceListener } from '../../src/adapters/redis/redis-instance-listener.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { RecordingGateway, RecordingLogger } from '../support/fakes.ts';

// Issue 24: a failure thrown from a subscriber's event, or a rejected wake, ended the process.
test('a command that throws and a wake that rejects are logged where; the other commands still apply', async () => {
  const identity = new InstanceIdentity();
  const [broken, woken, fine] = [identity.stamp('c-broken'), identity.stamp('c-woken'), identity.stamp('c-fine')];
  const gateway = new RecordingGateway();
  const send = gateway.send.bind(gateway);
  gateway.send = (connection: string, frame: OutboundFrame) => {
    if (connection === broken) throw new TypeError('a bug');
    send(connection, frame);
  };
  const logger = new RecordingLogger();
  const subscriber = Object.assign(new EventEmitter(), { subscribe: async () => 1 });
  const push = async () => Promise.reject(new RangeError('push failed'));
  await new RedisInstanceListener(subscriber as unknown as Redis, 'p:', identity, gateway, push, logger).start();
  const bye: OutboundFrame = { op: 'bye', reason: 'replaced' };
  subscriber.emit('message', instanceChannel('p:', identity.instance), JSON.stringify([
    { do: 'send', connection: broken, frame: bye },
    { do: 'wake', connection: woken, seq: 1 },
    { do: 'send', connection: fine, frame: bye },
  ]));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(gateway.sentTo(fine), [bye]);
  assert.equal(logger.entries.map((entry) => [entry.event, entry.fields.conn, entry.fields.op, entry.fields.error]), [
    ['handler_failed', broken, 'send', 'TypeError'],
    ['handler_failed', woken, 'wake', 'RangeError'],
  ]);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryConversationStore } from '../../src/client/conversations/conversation-store.ts';
import type { ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { afterRestart } from '../../src/client/web/server-restarts.ts';

const hello = (server: string, boot: string) => ({ op: 'hello', server_id: server, boot_id: boot }) as unknown as Extract<ServerFrame, { op: 'hello' }>;

test('the browser keeps each server\'s boot id in its store: a login to a new one re-sends once; a round cut short is tried again at the next login', async () => {
  const store = new MemoryConversationStore();
  let rounds = 0;
  const resend = async () => void rounds++;
  await afterRestart(store, hello('s1', 'boot-a'), resend);
  await afterRestart(store, hello('s1', 'boot-a'), resend);
  assert.is(rounds, 0, 'the first login, and one to the same boot, send nothing again');
  await afterRestart(store, hello('s1', 'boot-b'), resend);
  assert.is(rounds, 1);
  await afterRestart(store, hello('s2', 'boot-x'), resend);
  await afterRestart(store, hello('s1', 'boot-b'), resend);
  await afterRestart(store, undefined, resend);
  assert.is(rounds, 1, 'another server, the same boot again, or a hello without ids: nothing');

  const lost = async () => {
    rounds++;
    throw new Error('the connection to the server was lost');
  };
  await afterRestart(store, hello('s1', 'boot-c'), lost).catch(() => undefined);
  await afterRestart(store, hello('s1', 'boot-c'), resend);
  assert.is(rounds, 3, 'the round cut short goes again');
  await afterRestart(store, hello('s1', 'boot-c'), resend);
  assert.is(rounds, 3);
});

test.run();

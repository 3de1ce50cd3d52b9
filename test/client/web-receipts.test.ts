import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConversationService } from '../../src/client/conversations/conversation-service.ts';
import type { ClientFrame } from '../../src/client/conversations/frame-link.ts';
import type { Entry } from '../../src/client/web/direct-messages.ts';
import { DirectMessages } from '../../src/client/web/direct-messages.ts';
import { MlsConversations } from '../../src/client/web/mls-conversations.ts';

test('the web client\'s plain text: a receipt flagged unreadable names the mailbox that could not open it, and is no "received"', () => {
  const sent: ClientFrame[] = [];
  const direct = new DirectMessages('alice', (frame) => sent.push(frame), { changed: () => undefined }, (peer) => peer);
  direct.say('bob', 'hello', 0);
  direct.onFrame({ op: 'sent', ref: (sent[0] as { ref: string }).ref, id: 'm-1', status: 'delivered' });
  direct.onFrame({ op: 'receipt', id: 'm-1', to: 'bob', unreadable: true });
  direct.onFrame({ op: 'receipt', id: 'm-1', to: 'bob', unreadable: true });
  const [entry] = direct.conversations.get('bob')!.entries;
  assert.equal([entry!.delivery, entry!.unopened], ['delivered', ['bob']]);
  direct.onFrame({ op: 'receipt', id: 'm-1', to: 'bob' });
  assert.is(entry!.delivery, 'received');
});

test('the web client\'s MLS text: each member device that could not open it is listed; one that read it makes it received', async () => {
  const group = 'g'.repeat(44);
  const service = {
    me: { name: 'alice', device: 'd0' },
    list: () => [{ group }],
    members: () => [],
    metaOf: () => ({ kind: 'group', name: 'ops' }),
    say: async () => ({ id: 'm-1', status: 'delivered' }),
  } as unknown as ConversationService;
  const changes: Entry[] = [];
  const mls = new MlsConversations(service, (_conversation, entry) => void (entry && changes.push(entry)));
  mls.sync();
  const conversation = mls.conversations.get(group)!;
  await mls.say(conversation, 'deploy at noon');
  mls.onEvent({ kind: 'receipt', group, id: 'm-1', by: { name: 'carol', device: 'd2' }, unreadable: true });
  const entry = conversation.entries.at(-1)!;
  assert.equal([entry.delivery, entry.unopened], ['delivered', ['carol/d2']]);
  mls.onEvent({ kind: 'receipt', group, id: 'm-1', by: { name: 'bob', device: 'd1' } });
  assert.equal([entry.delivery, entry.unopened], ['received', ['carol/d2']]);
  mls.onEvent({ kind: 'invitation-unopened', group, by: 'dave/d3' });
  assert.is(conversation.entries.at(-1)!.body, 'dave/d3 could not open its invitation: that device is not in the conversation');
});

test.run();

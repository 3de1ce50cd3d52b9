import { ed25519 } from '@noble/curves/ed25519.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryConversationStore } from '../../src/client/conversations/conversation-store.ts';
import type { ClientFrame, ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { Requests } from '../../src/client/conversations/requests.ts';
import { acceptGrant, approve, pendingDevice } from '../../src/client/device-approval.ts';
import { deviceKeys, enrolFirstDevice } from '../../src/client/device-enrolment.ts';
import { fromBase64, toBase64 } from '../../src/client/e2e/base64.ts';
import { BrowserKeys, PinnedIdentities } from '../../src/client/web/browser-keys.ts';

test('the browser\'s keys: an identity made once and kept, a device kept across openings', async () => {
  const store = new MemoryConversationStore();
  const first = await BrowserKeys.open(store);
  const again = await BrowserKeys.open(store);
  assert.equal(again.identity.public, first.identity.public);
  assert.is(first.device, undefined);
  enrolFirstDevice(first, 'alice');
  await first.flush();
  const reopened = await BrowserKeys.open(store);
  assert.is(reopened.device?.device, first.device!.device);
  assert.equal(deviceKeys(reopened, 'alice'), deviceKeys(first, 'alice'));
});

test('a pending browser device takes the identity a terminal device grants, and keeps it', async () => {
  const terminal = await BrowserKeys.open(new MemoryConversationStore());
  const store = new MemoryConversationStore();
  const browser = await BrowserKeys.open(store);
  const { frame } = pendingDevice(browser, 'alice', 'phone1234');
  const listing = frame as unknown as { device: string; signing: string; agreement: string };
  const { grant } = approve('alice', terminal.identity, listing);
  assert.ok(acceptGrant(browser, 'alice', grant, fromBase64(terminal.identity.public.signing, 32)!));
  await browser.flush();
  const reopened = await BrowserKeys.open(store);
  assert.equal(reopened.identity.public, terminal.identity.public);
  assert.is(reopened.device?.published, true);
  assert.is(reopened.device?.agreementSecret, undefined);
});

test('identity keys are pinned on first use: a key the relay swaps in later is not taken', async () => {
  const store = new MemoryConversationStore();
  const keys = await BrowserKeys.open(store);
  let served = toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
  const first = served;
  const sent: ClientFrame[] = [];
  const requests: Requests = new Requests({
    send: (frame) => {
      sent.push(frame);
      queueMicrotask(() => requests.answer({ op: 'key', name: 'bob', agreement: served, signing: served, ref: (frame as { ref: string }).ref } as ServerFrame));
    },
  });
  const pins = new PinnedIdentities(store, 'alice', keys, requests);
  assert.is(toBase64((await pins.identityOf('bob'))!), first);
  served = toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
  assert.is(toBase64((await pins.identityOf('bob'))!), first);
  assert.is(sent.length, 1);
  assert.is(toBase64((await pins.identityOf('alice'))!), keys.identity.public.signing);
  assert.match(await pins.safetyNumber('bob'), /^\d{5}( \d{5}){11}$/);
});

test.run();

import { ed25519 } from '@noble/curves/ed25519.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryConversationStore } from '../../src/client/conversations/conversation-store.ts';
import type { ClientFrame, ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { Requests } from '../../src/client/conversations/requests.ts';
import { HeldTexts } from '../../src/client/conversations/held-texts.ts';
import { TrustHolds } from '../../src/client/conversations/trust-holds.ts';
import { acceptGrant, approve, pendingDevice } from '../../src/client/device-approval.ts';
import { deviceKeys, enrolFirstDevice } from '../../src/client/device-enrolment.ts';
import { fromBase64, toBase64 } from '../../src/client/e2e/base64.ts';
import { BrowserKeys } from '../../src/client/web/browser-keys.ts';
import { PinnedIdentities } from '../../src/client/web/pinned-identities.ts';

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

/** A relay that hands out `served.key` for every name, and the frames it was sent. */
function keyServer(served: { key: string }): { requests: Requests; sent: ClientFrame[] } {
  const sent: ClientFrame[] = [];
  const requests: Requests = new Requests({
    send: (frame) => {
      sent.push(frame);
      const { name, ref } = frame as { name: string; ref: string };
      queueMicrotask(() => requests.answer({ op: 'key', name, agreement: served.key, signing: served.key, ref } as ServerFrame));
    },
  });
  return { requests, sent };
}

/** Whether the holds, on these pins, find bob's published identity not the pinned one. */
async function changed(pins: PinnedIdentities, name: string): Promise<boolean> {
  const holds = new TrustHolds(pins.contactKeys(), 'alice', () => undefined, new HeldTexts(new MemoryConversationStore()));
  await holds.check([name]);
  return holds.identityChanged(name);
}

const newKey = () => toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));

test('identity keys are pinned on first use: a key the relay swaps in later is not taken', async () => {
  const store = new MemoryConversationStore();
  const keys = await BrowserKeys.open(store);
  const served = { key: newKey() };
  const first = served.key;
  const { requests, sent } = keyServer(served);
  const pins = await PinnedIdentities.open(store, 'alice', keys, requests);
  assert.is(toBase64((await pins.identityOf('bob'))!), first);
  served.key = newKey();
  assert.is(toBase64((await pins.identityOf('bob'))!), first);
  assert.is(sent.length, 1);
  assert.is(toBase64((await pins.identityOf('alice'))!), keys.identity.public.signing);
  // Kept in the store: a reopened browser still holds the first key.
  const reopened = await PinnedIdentities.open(store, 'alice', keys, requests);
  assert.is(toBase64((await reopened.identityOf('bob'))!), first);
});

test('a changed key is seen, and only Trust after Verify takes it: exactly the key Verify showed, refused once the server hands out another', async () => {
  const store = new MemoryConversationStore();
  const keys = await BrowserKeys.open(store);
  const served = { key: newKey() };
  const { requests } = keyServer(served);
  const pins = await PinnedIdentities.open(store, 'alice', keys, requests);
  const first = served.key;
  await pins.identityOf('bob');
  assert.is(await changed(pins, 'bob'), false);
  served.key = newKey();
  assert.is(await changed(pins, 'bob'), true);
  assert.equal(await pins.trust('bob'), { ok: false, reason: 'not_shown' });
  const shown = await pins.verify('bob');
  assert.ok(shown.ok && shown.newKey && /^\d{5}( \d{5}){11}$/.test(shown.number));
  // Swapped again between Verify and Trust: the number compared is not the server's key any more.
  served.key = newKey();
  assert.equal(await pins.trust('bob'), { ok: false, reason: 'changed' });
  assert.is(toBase64((await pins.identityOf('bob'))!), first);
  const again = await pins.verify('bob');
  assert.ok(again.ok && again.newKey);
  assert.ok((await pins.trust('bob')).ok);
  assert.is(await changed(pins, 'bob'), false);
  assert.is(pins.verified('bob'), true);
  const reopened = await PinnedIdentities.open(store, 'alice', keys, requests);
  assert.is(toBase64((await reopened.identityOf('bob'))!), served.key);
  assert.is(reopened.verified('bob'), true);
});

test('pins keep the devices Trust took, as pins.json does: the holds read them after the browser opens again', async () => {
  const store = new MemoryConversationStore();
  const keys = await BrowserKeys.open(store);
  const served = { key: newKey() };
  const pins = await PinnedIdentities.open(store, 'alice', keys, keyServer(served).requests);
  await pins.identityOf('bob');
  assert.ok((await pins.verify('bob')).ok);
  assert.ok((await pins.trust('bob')).ok);
  assert.is(pins.contactKeys().pinned('bob')?.devices, undefined);
  pins.contactKeys().acknowledge('bob', ['phone1234', 'laptop567']);
  // Its write goes in turn after the ones before it.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const reopened = (await PinnedIdentities.open(store, 'alice', keys, keyServer(served).requests)).contactKeys();
  assert.equal(reopened.names(), ['bob']);
  const pin = reopened.pinned('bob')!;
  assert.equal(pin.devices, ['phone1234', 'laptop567']);
  assert.ok(pin.verified);
  assert.is(toBase64(pin.identity), served.key);
});

test('a pin the first web client kept (the signing key alone) still certifies and holds nothing, the signing key being the MLS identity; Verify shows the whole key as new, and Trust pins it whole', async () => {
  const store = new MemoryConversationStore();
  const keys = await BrowserKeys.open(store);
  const served = { key: newKey() };
  await store.put('pin/bob', fromBase64(served.key, 32)!);
  const pins = await PinnedIdentities.open(store, 'alice', keys, keyServer(served).requests);
  assert.is(toBase64((await pins.identityOf('bob'))!), served.key);
  assert.is(await changed(pins, 'bob'), false);
  const shown = await pins.verify('bob');
  assert.ok(shown.ok && shown.newKey);
  assert.ok((await pins.trust('bob')).ok);
  const again = await pins.verify('bob');
  assert.ok(again.ok && !again.newKey && again.pin.verified);
  served.key = newKey();
  assert.is(await changed(pins, 'bob'), true);
});

test.run();

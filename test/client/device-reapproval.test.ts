import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryConversationStore } from '../../src/client/conversations/conversation-store.ts';
import { Conversations } from '../../src/client/conversations/conversations.ts';
import type { ClientFrame, ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { Requests } from '../../src/client/conversations/requests.ts';
import type { PendingListing } from '../../src/client/device-approval.ts';
import { acceptGrant, approve } from '../../src/client/device-approval.ts';
import { deviceKeys, deviceLoginFrame } from '../../src/client/device-enrolment.ts';
import { setUpDevice } from '../../src/client/device-setup.ts';
import { fromBase64 } from '../../src/client/e2e/base64.ts';
import { BrowserKeys } from '../../src/client/web/browser-keys.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { inProcessRelay } from '../support/in-process-relay.ts';

const SUITE = 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519';
const relay = inProcessRelay();

/** Requests on an in-process relay connection: each frame handled, its answers handed back. */
function requestsOn(connection: string): Requests {
  const requests: Requests = new Requests({
    send: (frame: ClientFrame) => void relay.frame(connection, frame).then((frames) => { for (const f of frames) requests.answer(f as ServerFrame); }),
  });
  return requests;
}

/** A connection logged in as the store's device; the answer to its login. */
async function deviceLogin(keys: BrowserKeys): Promise<{ connection: string; answer: OutboundFrame | undefined }> {
  const connection = relay.open();
  const hello = relay.gateway.sentTo(connection)[0] as Extract<OutboundFrame, { op: 'hello' }>;
  const [answer] = await relay.frame(connection, deviceLoginFrame(keys, 'alice', hello)!);
  return { connection, answer };
}

/** A password login that makes the store a device: its setUpDevice answer. */
async function setUp(keys: BrowserKeys): Promise<string> {
  return setUpDevice({ store: keys, name: 'alice', e2e: { welcomed() {} }, byKey: false, serverHasDevices: true, requests: requestsOn(await relay.login('alice')), say() {} });
}

/** On the phone: approves the pending device, as `/devices approve` does; the grant is accepted by `laptop`. */
async function approveFrom(phone: Requests, identity: BrowserKeys, laptop: BrowserKeys): Promise<void> {
  const listed = await phone.ask<Extract<ServerFrame, { op: 'devices' }>>({ op: 'fetch_devices', name: 'alice' });
  const pending = listed.devices.find((d) => (d as { pending?: boolean }).pending) as PendingListing;
  const { certify, grant } = approve('alice', identity.identity, pending);
  await phone.ask(certify);
  assert.ok(acceptGrant(laptop, 'alice', grant, fromBase64(identity.identity.public.signing, 32)!));
}

test('a revoked device asking again becomes a new pending device, keeps its storage key, and drops the old device\'s states', async () => {
  await relay.addOperators('alice');
  const phoneKeys = await BrowserKeys.open(new MemoryConversationStore());
  await relay.frame(await relay.login('alice'), { op: 'publish_key', ...phoneKeys.identity.public });
  assert.is(await setUp(phoneKeys), 'relogin');
  const phone = requestsOn((await deviceLogin(phoneKeys)).connection);

  const laptopStore = new MemoryConversationStore();
  const laptop = await BrowserKeys.open(laptopStore);
  assert.is(await setUp(laptop), 'pending');
  await approveFrom(phone, phoneKeys, laptop);
  const first = laptop.device!;
  assert.equal((await deviceLogin(laptop)).answer, { op: 'welcome', name: 'alice', pending: 0, device: first.device });
  // The first device's conversations and key packages, in the store that outlives it.
  const identities = { identityOf: async () => fromBase64(phoneKeys.identity.public.signing, 32) };
  const before = await Conversations.open({ store: laptopStore, device: deviceKeys(laptop, 'alice')!, identities, suite: SUITE });
  await before.create({ kind: 'group', name: 'ops' });
  await before.keyPackages.create(3, false);

  await phone.ask({ op: 'revoke_device', device: first.device });
  assert.is((await deviceLogin(laptop)).answer?.op, 'error');
  laptop.setDevice({ ...first, published: false });
  assert.is(await setUp(laptop), 'pending');
  const again = laptop.device!;
  assert.is.not(again.device, first.device);
  assert.ok(again.agreementSecret !== undefined && again.certificate === undefined);
  assert.equal(again.storageKey, first.storageKey);

  await approveFrom(phone, phoneKeys, laptop);
  assert.equal((await deviceLogin(laptop)).answer, { op: 'welcome', name: 'alice', pending: 0, device: again.device });
  const after = await Conversations.open({ store: laptopStore, device: deviceKeys(laptop, 'alice')!, identities, suite: SUITE });
  assert.equal(after.list(), [], 'the revoked device\'s groups are gone: the new one is invited afresh');
  assert.equal(await after.keyPackages.unused(), { oneTime: 0, lastResort: false }, 'its packages too: the new device publishes its own');
});

test.run();

import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryConversationStore } from '../../src/client/conversations/conversation-store.ts';
import { Requests } from '../../src/client/conversations/requests.ts';
import { certifyDevice } from '../../src/client/conversations/device-credential.ts';
import type { PendingListing } from '../../src/client/device-approval.ts';
import { GRANT_PREFIX, acceptGrant, approve, pendingDevice } from '../../src/client/device-approval.ts';
import type { DeviceHolder } from '../../src/client/device-holder.ts';
import { fromBase64, toBase64 } from '../../src/client/e2e/base64.ts';
import { seal } from '../../src/client/e2e/envelope.ts';
import { KeyStore } from '../../src/client/e2e/key-store.ts';
import { BrowserKeys } from '../../src/client/web/browser-keys.ts';
import { PinnedIdentities } from '../../src/client/web/pinned-identities.ts';
import { tempDir } from '../support/temp-dir.ts';

const dir = tempDir();
let stores = 0;
const newStore = (): KeyStore => KeyStore.open(join(dir.path, `store-${++stores}`));
test.after(() => dir.remove());

const someKey = (): { agreement: string; signing: string } => ({
  agreement: toBase64(x25519.getPublicKey(x25519.utils.randomSecretKey())),
  signing: toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey())),
});

/** A store waiting for approval, as `pendingDevice` publishes it. */
function pending(store: DeviceHolder): PendingListing {
  const { frame } = pendingDevice(store, 'alice', `dev${++stores}`);
  return frame as unknown as PendingListing;
}

const publishedSigning = (approver: KeyStore): Uint8Array => fromBase64(approver.identity.public.signing, 32)!;

test('a grant carries the approver\'s pins (verified, with the devices /trust took), and the new device keeps them in pins.json', () => {
  const approver = newStore();
  const bob = someKey();
  const carol = someKey();
  approver.setPin('bob', bob, true);
  approver.setPinDevices('bob', ['bobphone', 'boblaptop']);
  approver.setPin('carol', carol, false);
  const laptop = newStore();
  const { grant, carried, dropped } = approve('alice', approver.identity, pending(laptop), approver);
  assert.equal([carried, dropped], [2, 0]);
  assert.ok(acceptGrant(laptop, 'alice', grant, publishedSigning(approver)));
  const reopened = KeyStore.open(laptop.directory);
  assert.equal(reopened.pin('bob'), { identity: bob, verified: true, devices: ['bobphone', 'boblaptop'] });
  assert.equal(reopened.pin('carol'), { identity: carol, verified: false });
  assert.equal(reopened.identity.public, approver.identity.public);
});

test('a pin the new device holds is kept, unless the grant\'s is verified and its own is not; no pin for its own name is taken', () => {
  const approver = newStore();
  const bob = someKey();
  const carol = someKey();
  approver.setPin('bob', bob, true);
  approver.setPin('carol', carol, false);
  approver.setPin('dave', someKey(), true);
  approver.setPin('alice', someKey(), true);
  const laptop = newStore();
  const ownCarol = someKey();
  const ownDave = someKey();
  laptop.setPin('bob', someKey(), false);
  laptop.setPin('carol', ownCarol, false);
  laptop.setPin('dave', ownDave, true);
  assert.ok(acceptGrant(laptop, 'alice', approve('alice', approver.identity, pending(laptop), approver).grant, publishedSigning(approver)));
  assert.equal(laptop.pin('bob'), { identity: bob, verified: true }, 'verified over first use');
  assert.equal(laptop.pin('carol'), { identity: ownCarol, verified: false }, 'first use against first use: its own');
  assert.equal(laptop.pin('dave'), { identity: ownDave, verified: true }, 'its own verified pin');
  assert.is(laptop.pin('alice'), undefined);
});

test('a tampered grant, one from another identity, or one for another device adopts nothing', () => {
  const approver = newStore();
  approver.setPin('bob', someKey(), true);
  const laptop = newStore();
  const listing = pending(laptop);
  const { grant } = approve('alice', approver.identity, listing, approver);
  const bytes = fromBase64(grant.slice(GRANT_PREFIX.length + 'e2e1.'.length))!;
  bytes[200] = bytes[200]! ^ 1;
  assert.not.ok(acceptGrant(laptop, 'alice', `${GRANT_PREFIX}e2e1.${toBase64(bytes)}`, publishedSigning(approver)));
  const mallory = newStore();
  mallory.setPin('bob', someKey(), true);
  assert.not.ok(acceptGrant(laptop, 'alice', approve('alice', mallory.identity, listing, mallory).grant, publishedSigning(approver)), 'not signed by the published identity');
  const other = newStore();
  assert.not.ok(acceptGrant(laptop, 'alice', approve('alice', approver.identity, pending(other), approver).grant, publishedSigning(approver)), 'sealed to another pending device');
  assert.is(laptop.pin('bob'), undefined);
  assert.equal(KeyStore.open(laptop.directory).pinnedNames(), []);
});

test('a grant without pins (an older approver\'s) still makes the device', () => {
  const approver = newStore();
  const laptop = newStore();
  const listing = pending(laptop);
  const certificate = certifyDevice(approver.identity.signingSecret, 'alice', listing.device, fromBase64(listing.signing, 32)!);
  const text = JSON.stringify({ agreement: toBase64(approver.identity.agreementSecret), signing: toBase64(approver.identity.signingSecret), certificate: toBase64(certificate) });
  const grant = GRANT_PREFIX + seal(text, { name: 'alice', signingSecret: approver.identity.signingSecret }, { name: `alice/${listing.device}`, agreementPublic: fromBase64(listing.agreement, 32)! }, Date.now());
  assert.ok(acceptGrant(laptop, 'alice', grant, publishedSigning(approver)));
  assert.equal(laptop.device?.certificate, certificate);
  assert.equal(laptop.pinnedNames(), []);
});

test('pins under a name that is not an operator\'s (a path, a mailbox) are not taken: the device is made, with no pin', () => {
  const approver = newStore();
  const pin = { identity: someKey(), verified: true };
  for (const name of ['../identity', 'bob/dev1', '']) {
    const laptop = newStore();
    const listing = pending(laptop);
    const certificate = certifyDevice(approver.identity.signingSecret, 'alice', listing.device, fromBase64(listing.signing, 32)!);
    const text = `{"agreement":"${toBase64(approver.identity.agreementSecret)}","signing":"${toBase64(approver.identity.signingSecret)}","certificate":"${toBase64(certificate)}","pins":{"bob":${JSON.stringify(pin)},${JSON.stringify(name)}:${JSON.stringify(pin)}}}`;
    const grant = GRANT_PREFIX + seal(text, { name: 'alice', signingSecret: approver.identity.signingSecret }, { name: `alice/${listing.device}`, agreementPublic: fromBase64(listing.agreement, 32)! }, Date.now());
    assert.ok(acceptGrant(laptop, 'alice', grant, publishedSigning(approver)), name);
    assert.equal(laptop.pinnedNames(), [], name);
  }
});

test('the pins carried are bounded by the envelope: verified ones first, the grant under the 16 KiB body limit', () => {
  const approver = newStore();
  // Names of 32 characters (the longest) and two devices each: the largest pins there are.
  const name = (i: number): string => `contact-${String(i).padStart(3, '0')}-${'x'.repeat(19)}`;
  for (let i = 0; i < 200; i++) {
    approver.setPin(name(i), someKey(), i % 4 === 3);
    approver.setPinDevices(name(i), ['abcdefghijklmnop', 'qrstuvwxyz234567']);
  }
  const laptop = newStore();
  const { grant, carried, dropped } = approve('alice', approver.identity, pending(laptop), approver);
  assert.ok(new TextEncoder().encode(grant).length <= 16_384, `${grant.length} bytes`);
  assert.is(carried + dropped, 200);
  assert.ok(carried >= 50 && dropped > 0, `${carried} carried`);
  assert.ok(acceptGrant(laptop, 'alice', grant, publishedSigning(approver)));
  const verified = approver.pinnedNames().filter((n) => approver.pin(n)!.verified);
  assert.ok(verified.every((n) => laptop.pin(n)?.verified === true), 'every verified pin carried');
  assert.is(laptop.pinnedNames().length, carried);
});

test('a new browser device takes the granted pins into its store when its pins open', async () => {
  const approver = newStore();
  const bob = someKey();
  approver.setPin('bob', bob, true);
  approver.setPinDevices('bob', ['bobphone']);
  approver.setPin('carol', someKey(), false);
  const store = new MemoryConversationStore();
  const browser = await BrowserKeys.open(store);
  assert.ok(acceptGrant(browser, 'alice', approve('alice', approver.identity, pending(browser), approver).grant, publishedSigning(approver)));
  const requests = new Requests({ send() {} });
  const identities = await PinnedIdentities.open(store, 'alice', browser, requests);
  assert.ok(identities.verified('bob'));
  assert.equal(identities.pins.pin('bob'), { identity: bob, verified: true, devices: ['bobphone'] });
  assert.equal(identities.pins.pinnedNames().sort(), ['bob', 'carol']);
  const again = await PinnedIdentities.open(store, 'alice', browser, requests);
  assert.equal(again.pins.pin('bob'), { identity: bob, verified: true, devices: ['bobphone'] }, 'kept in the sealed store');
});

test.run();

import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConversationService } from '../../src/client/conversations/conversation-service.ts';
import type { ClientFrame } from '../../src/client/conversations/frame-link.ts';
import { RelayRefusal } from '../../src/client/conversations/requests.ts';
import type { Requests } from '../../src/client/conversations/requests.ts';
import { acceptGrant, pendingDevice } from '../../src/client/device-approval.ts';
import { DeviceManagement } from '../../src/client/device-management.ts';
import { fromBase64, toBase64 } from '../../src/client/e2e/base64.ts';
import { KeyStore } from '../../src/client/e2e/key-store.ts';
import { tempDir } from '../support/temp-dir.ts';

const dir = tempDir();
test.after(() => dir.remove());

const someKey = (): { agreement: string; signing: string } => ({
  agreement: toBase64(x25519.getPublicKey(x25519.utils.randomSecretKey())),
  signing: toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey())),
});

/**
 * `/devices approve CODE` on a device of alice's with `pins` contacts pinned (every fourth
 * verified), against a relay whose body limit is `maxBody`: what it said, and the new device
 * after taking the grant the relay passed.
 */
async function approveWith(label: string, pins: number, maxBody: number): Promise<{ said: string[]; laptop: KeyStore; approver: KeyStore }> {
  const approver = KeyStore.open(join(dir.path, `${label}-phone`));
  for (let i = 0; i < pins; i++) approver.setPin(`contact${i}`, someKey(), i % 4 === 0);
  const laptop = KeyStore.open(join(dir.path, `${label}-laptop`));
  const { frame, code } = pendingDevice(laptop, 'alice', 'laptop');
  const listing = { ...(frame as unknown as { device: string; signing: string; agreement: string }), pending: true, key_packages: 1 };
  const grants: string[] = [];
  const requests = {
    ask: async (sent: ClientFrame) => {
      if (sent.op === 'fetch_devices') return { op: 'devices', name: 'alice', devices: [listing] };
      if (sent.op !== 'send') return { op: 'device_published', device: 'laptop' };
      if (new TextEncoder().encode(sent.body).length > maxBody) throw new RelayRefusal({ op: 'error', code: 'body_too_large', message: 'too large' });
      grants.push(sent.body);
      return { op: 'sent', id: 'm1' };
    },
  } as unknown as Requests;
  const service = { me: { name: 'alice', device: 'phone' }, addDevice: async () => 0 } as unknown as ConversationService;
  const said: string[] = [];
  await new DeviceManagement(service, requests, () => approver.identity, approver, (text) => said.push(text)).approve(code);
  assert.is(grants.length, 1, 'one grant passed the relay');
  assert.ok(acceptGrant(laptop, 'alice', grants[0]!, fromBase64(approver.identity.public.signing, 32)!));
  return { said, laptop, approver };
}

test('the approver says how many pins did not fit in the grant', async () => {
  const { said, laptop } = await approveWith('many', 120, 16_384);
  const carried = laptop.pinnedNames().length;
  assert.ok(carried >= 50 && carried < 120, `${carried} carried`);
  assert.ok(said.includes(`the approval carried ${carried} of your 120 pinned contacts' keys (verified ones first): device laptop pins the other ${120 - carried} on first use; /verify them there`), said.join('\n'));
  for (let i = 0; i < 120; i += 4) assert.is(laptop.pin(`contact${i}`)?.verified, true, `contact${i}`);
});

test('all pins fit: nothing more is said', async () => {
  const { said, laptop, approver } = await approveWith('few', 5, 16_384);
  assert.equal(laptop.pinnedNames().sort(), approver.pinnedNames().sort());
  assert.equal(said, ['approved device laptop; it joins your conversations once it has logged in', 'device laptop added to 0 conversations']);
});

test('a relay whose body limit is under the grant with pins gets the identity alone, and the approver says so', async () => {
  const { said, laptop } = await approveWith('small', 40, 4_096);
  assert.equal(laptop.pinnedNames(), []);
  assert.ok(laptop.device?.certificate !== undefined);
  assert.ok(said.includes('the relay took the approval only without your pinned contacts\' keys: device laptop pins them on first use; /verify them there'), said.join('\n'));
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';
import type { DeviceDirectory } from '../../src/ports/device-directory.ts';
import type { KeyDirectory } from '../../src/ports/key-directory.ts';
import type { KeyPackageStore } from '../../src/ports/key-package-store.ts';

/** The credential store a device's adapters share; `other`: the same store through another connection (another instance). */
export interface DeviceStoreHarness {
  readonly credentials: CredentialRepository;
  readonly keys: KeyDirectory;
  readonly devices: DeviceDirectory;
  readonly packages: KeyPackageStore;
  /** False without the database's foreign keys (the domain tests' fake): removal with the operator is then not its to keep. */
  readonly cascades?: boolean;
  other?(): Promise<{ devices: DeviceDirectory; packages: KeyPackageStore; close(): Promise<void> }>;
  dispose(): Promise<void>;
}

export const IDENTITY = { agreement: `${'A'.repeat(43)}=`, signing: `${'B'.repeat(42)}A=` };
const SIG = `${'S'.repeat(85)}A==`;
export const device = (id: string, key = 'K') => ({ device: id, signing: `${key.repeat(42)}A=`, certificate: SIG });
const pendingDevice = (id: string, key = 'P') => ({ device: id, signing: `${key.repeat(42)}A=`, agreement: IDENTITY.agreement });
/** Room for `maxDevices`; a pending device published before `pendingSince` has expired (0: none has). */
export const slots = (maxDevices: number, pendingSince = 0) => ({ maxDevices, pendingSince });
export const SLOTS = slots(16);
const EXPIRED = Number.MAX_SAFE_INTEGER;

/** STYLE 5: every DeviceDirectory adapter passes this one suite. */
export function deviceDirectoryContract(name: string, make: () => Promise<DeviceStoreHarness>): void {
  const it = suite<{ h: DeviceStoreHarness }>(`DeviceDirectory: ${name}`);
  it.before.each(async (context) => {
    context.h = await make();
    await context.h.credentials.add('alice', 'hash');
  });
  it.after.each(async (context) => {
    await context.h.dispose();
  });

  it('adds, finds and lists an operator\'s devices, oldest first', async ({ h }) => {
    assert.equal(await h.devices.list('alice'), []);
    assert.is(await h.devices.add('alice', device('phone1'), SLOTS), 'published');
    assert.is(await h.devices.add('alice', device('laptop', 'L'), SLOTS), 'published');
    assert.equal(await h.devices.find('alice', 'phone1'), device('phone1'));
    assert.is(await h.devices.find('alice', 'tablet'), undefined);
    assert.equal((await h.devices.list('alice')).map((d) => d.device).sort(), ['laptop', 'phone1']);
    assert.equal(await h.devices.list('bob'), []);
  });

  it('the same id with the same key is published again; with another key it is taken', async ({ h }) => {
    await h.devices.add('alice', device('phone1'), SLOTS);
    const recertified = { ...device('phone1'), certificate: `${'T'.repeat(85)}A==` };
    assert.is(await h.devices.add('alice', recertified, SLOTS), 'published');
    assert.equal(await h.devices.find('alice', 'phone1'), recertified);
    assert.is(await h.devices.add('alice', device('phone1', 'X'), SLOTS), 'device_taken');
    assert.equal(await h.devices.find('alice', 'phone1'), recertified);
  });

  it('lists every operator\'s certified devices, oldest first, none pending or revoked, operators without any left out', async ({ h }) => {
    await h.credentials.add('bob', 'hash');
    await h.credentials.add('carol', 'hash');
    assert.equal(await h.devices.certifiedDevices(), new Map());
    // Added in the order of their ids too: devices added within one millisecond come in id order.
    await h.devices.add('alice', device('laptop', 'L'), SLOTS);
    await h.devices.add('bob', device('zeta'), SLOTS);
    await h.devices.add('alice', device('old1', 'O'), SLOTS);
    await h.devices.add('alice', device('phone1'), SLOTS);
    await h.devices.addPending('carol', pendingDevice('tablet'), SLOTS);
    await h.devices.revoke('alice', 'old1');
    assert.equal(await h.devices.certifiedDevices(), new Map([['alice', ['laptop', 'phone1']], ['bob', ['zeta']]]));
  });

  it('refuses a device past the limit and one for an unknown operator', async ({ h }) => {
    for (const id of ['dev1', 'dev2']) assert.is(await h.devices.add('alice', device(id), slots(2)), 'published');
    assert.is(await h.devices.add('alice', device('dev3'), slots(2)), 'too_many_devices');
    assert.is(await h.devices.add('alice', device('dev1'), slots(2)), 'published', 'publishing a known device again is no new device');
    assert.is(await h.devices.add('nobody', device('dev1'), slots(2)), 'no_such_operator');
    assert.equal(await h.devices.list('nobody'), []);
  });

  it('devices added at once, as from several instances, stop at the limit', async ({ h }) => {
    const other = await h.other?.();
    try {
      const directories = [h.devices, other?.devices ?? h.devices];
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => directories[i % 2]!.add('alice', device(`dev${i}`), slots(5))));
      assert.is(outcomes.filter((outcome) => outcome === 'published').length, 5, String(outcomes));
      assert.is((await h.devices.list('alice')).length, 5);
    } finally {
      await other?.close();
    }
  });

  it('revokes a device once, with its key packages', async ({ h }) => {
    await h.devices.add('alice', device('phone1'), SLOTS);
    await h.packages.publish('alice', 'phone1', ['mls1.AAAA'], 'mls1.BBBB', 200);
    assert.ok(await h.devices.revoke('alice', 'phone1'));
    assert.not.ok(await h.devices.revoke('alice', 'phone1'));
    assert.is(await h.devices.find('alice', 'phone1'), undefined);
    assert.equal(await h.packages.take('alice', true), []);
    assert.equal(await h.packages.stock(), []);
  });

  it('reset removes every device, their packages and the identity; other operators keep theirs', async ({ h }) => {
    await h.credentials.add('bob', 'hash');
    for (const who of ['alice', 'bob']) {
      await h.keys.publish(who, IDENTITY);
      await h.devices.add(who, device('phone1'), SLOTS);
      await h.packages.publish(who, 'phone1', ['mls1.AAAA'], undefined, 200);
    }
    assert.ok(await h.devices.reset('alice'));
    assert.equal(await h.devices.list('alice'), []);
    assert.is(await h.keys.find('alice'), undefined);
    assert.equal(await h.packages.stock(), [{ name: 'bob', device: 'phone1', held: 1 }]);
    assert.equal(await h.keys.find('bob'), IDENTITY);
    assert.not.ok(await h.devices.reset('nobody'));
  });

  it('a pending device is found only as pending; certified with its key it becomes a device, never pending again', async ({ h }) => {
    assert.is(await h.devices.addPending('alice', pendingDevice('tablet'), SLOTS), 'published');
    assert.is(await h.devices.find('alice', 'tablet'), undefined, 'a pending device does not log in');
    assert.equal(await h.devices.list('alice'), []);
    assert.equal(await h.devices.findPending('alice', 0), pendingDevice('tablet'));
    assert.is(await h.devices.findPending('alice', EXPIRED), undefined);
    assert.equal(await h.packages.stock(), [], 'operator list counts certified devices only');
    assert.is(await h.devices.add('alice', device('tablet', 'X'), SLOTS), 'device_taken');
    assert.is(await h.devices.add('alice', device('tablet', 'P'), SLOTS), 'published');
    assert.equal(await h.devices.find('alice', 'tablet'), device('tablet', 'P'));
    assert.is(await h.devices.findPending('alice', 0), undefined);
    assert.is(await h.devices.addPending('alice', pendingDevice('tablet'), SLOTS), 'device_taken');
    assert.equal(await h.devices.find('alice', 'tablet'), device('tablet', 'P'));
    assert.is(await h.devices.addPending('nobody', pendingDevice('tablet'), SLOTS), 'no_such_operator');
  });

  it('one pending device an operator, the newer replacing it; it holds a slot until it expires', async ({ h }) => {
    assert.is(await h.devices.add('alice', device('dev1'), slots(2)), 'published');
    assert.is(await h.devices.addPending('alice', pendingDevice('tab1'), slots(2)), 'published');
    assert.is(await h.devices.addPending('alice', pendingDevice('tab2', 'Q'), slots(2)), 'published');
    assert.equal(await h.devices.findPending('alice', 0), pendingDevice('tab2', 'Q'));
    assert.is(await h.devices.add('alice', device('tab1', 'P'), slots(2)), 'too_many_devices', 'the replaced one is gone; the newer holds the last slot');
    assert.is(await h.devices.add('alice', device('dev2'), slots(2, EXPIRED)), 'published', 'an expired pending device holds no slot');
    assert.is(await h.devices.findPending('alice', 0), undefined, 'and is dropped');
    assert.is(await h.devices.addPending('alice', pendingDevice('tab3'), slots(2)), 'too_many_devices');
  });

  it('revoke and reset remove a pending device', async ({ h }) => {
    await h.devices.addPending('alice', pendingDevice('tab1'), SLOTS);
    assert.not.ok(await h.devices.revoke('alice', 'tab2'));
    assert.ok(await h.devices.revoke('alice', 'tab1'));
    assert.is(await h.devices.findPending('alice', 0), undefined);
    await h.devices.addPending('alice', pendingDevice('tab1'), SLOTS);
    assert.ok(await h.devices.reset('alice'));
    assert.is(await h.devices.findPending('alice', 0), undefined);
  });

  it('devices and their packages go with their operator', async ({ h }) => {
    if (h.cascades === false) return;
    await h.devices.addPending('alice', pendingDevice('tab1'), SLOTS);
    await h.devices.add('alice', device('phone1'), SLOTS);
    await h.packages.publish('alice', 'phone1', ['mls1.AAAA'], 'mls1.BBBB', 200);
    await h.credentials.remove('alice');
    await h.credentials.add('alice', 'hash');
    assert.equal(await h.devices.list('alice'), []);
    assert.is(await h.devices.findPending('alice', 0), undefined);
    assert.equal(await h.packages.stock(), []);
  });

  it.run();
}

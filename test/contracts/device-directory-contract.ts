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
    assert.is(await h.devices.add('alice', device('phone1'), 16), 'published');
    assert.is(await h.devices.add('alice', device('laptop', 'L'), 16), 'published');
    assert.equal(await h.devices.find('alice', 'phone1'), device('phone1'));
    assert.is(await h.devices.find('alice', 'tablet'), undefined);
    assert.equal((await h.devices.list('alice')).map((d) => d.device).sort(), ['laptop', 'phone1']);
    assert.equal(await h.devices.list('bob'), []);
  });

  it('the same id with the same key is published again; with another key it is taken', async ({ h }) => {
    await h.devices.add('alice', device('phone1'), 16);
    const recertified = { ...device('phone1'), certificate: `${'T'.repeat(85)}A==` };
    assert.is(await h.devices.add('alice', recertified, 16), 'published');
    assert.equal(await h.devices.find('alice', 'phone1'), recertified);
    assert.is(await h.devices.add('alice', device('phone1', 'X'), 16), 'device_taken');
    assert.equal(await h.devices.find('alice', 'phone1'), recertified);
  });

  it('refuses a device past the limit and one for an unknown operator', async ({ h }) => {
    for (const id of ['dev1', 'dev2']) assert.is(await h.devices.add('alice', device(id), 2), 'published');
    assert.is(await h.devices.add('alice', device('dev3'), 2), 'too_many_devices');
    assert.is(await h.devices.add('alice', device('dev1'), 2), 'published', 'publishing a known device again is no new device');
    assert.is(await h.devices.add('nobody', device('dev1'), 2), 'no_such_operator');
    assert.equal(await h.devices.list('nobody'), []);
  });

  it('devices added at once, as from several instances, stop at the limit', async ({ h }) => {
    const other = await h.other?.();
    try {
      const directories = [h.devices, other?.devices ?? h.devices];
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => directories[i % 2]!.add('alice', device(`dev${i}`), 5)));
      assert.is(outcomes.filter((outcome) => outcome === 'published').length, 5, String(outcomes));
      assert.is((await h.devices.list('alice')).length, 5);
    } finally {
      await other?.close();
    }
  });

  it('revokes a device once, with its key packages', async ({ h }) => {
    await h.devices.add('alice', device('phone1'), 16);
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
      await h.devices.add(who, device('phone1'), 16);
      await h.packages.publish(who, 'phone1', ['mls1.AAAA'], undefined, 200);
    }
    assert.ok(await h.devices.reset('alice'));
    assert.equal(await h.devices.list('alice'), []);
    assert.is(await h.keys.find('alice'), undefined);
    assert.equal(await h.packages.stock(), [{ name: 'bob', device: 'phone1', held: 1 }]);
    assert.equal(await h.keys.find('bob'), IDENTITY);
    assert.not.ok(await h.devices.reset('nobody'));
  });

  it('devices and their packages go with their operator', async ({ h }) => {
    if (h.cascades === false) return;
    await h.devices.add('alice', device('phone1'), 16);
    await h.packages.publish('alice', 'phone1', ['mls1.AAAA'], 'mls1.BBBB', 200);
    await h.credentials.remove('alice');
    await h.credentials.add('alice', 'hash');
    assert.equal(await h.devices.list('alice'), []);
    assert.equal(await h.packages.stock(), []);
  });

  it.run();
}

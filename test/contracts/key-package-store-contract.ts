import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { device, SLOTS } from './device-directory-contract.ts';
import type { DeviceStoreHarness } from './device-directory-contract.ts';

const pkg = (i: number) => `mls1.${Buffer.from(`package ${i}`).toString('base64')}`;
const LAST = 'mls1.TGFzdA==';

/** STYLE 5: every KeyPackageStore adapter passes this one suite. */
export function keyPackageStoreContract(name: string, make: () => Promise<DeviceStoreHarness>): void {
  const it = suite<{ h: DeviceStoreHarness }>(`KeyPackageStore: ${name}`);
  it.before.each(async (context) => {
    context.h = await make();
    await context.h.credentials.add('alice', 'hash');
    await context.h.devices.add('alice', device('phone1'), SLOTS);
  });
  it.after.each(async (context) => {
    await context.h.dispose();
  });

  it('hands out each one-time package once, oldest first, then the last resort again and again', async ({ h }) => {
    assert.equal(await h.packages.publish('alice', 'phone1', [pkg(1), pkg(2)], LAST, 200), { ok: true, held: 2 });
    const takes = [];
    for (let i = 0; i < 4; i++) takes.push(await h.packages.take('alice', true));
    assert.equal(takes, [
      [{ device: 'phone1', package: pkg(1), lastResort: false }],
      [{ device: 'phone1', package: pkg(2), lastResort: false }],
      [{ device: 'phone1', package: LAST, lastResort: true }],
      [{ device: 'phone1', package: LAST, lastResort: true }],
    ]);
  });

  it('one package for each device; a device with nothing published is left out', async ({ h }) => {
    await h.devices.add('alice', device('laptop', 'L'), SLOTS);
    await h.devices.add('alice', device('tablet', 'T'), SLOTS);
    await h.packages.publish('alice', 'phone1', [pkg(1)], LAST, 200);
    await h.packages.publish('alice', 'laptop', [], LAST, 200);
    const taken = await h.packages.take('alice', true);
    assert.equal(taken.map((handout) => [handout.device, handout.lastResort]).sort(), [['laptop', true], ['phone1', false]]);
    assert.equal(await h.packages.take('bob', true), []);
  });

  it('with a device, that device\'s package alone: the others\' one-time packages stay', async ({ h }) => {
    await h.devices.add('alice', device('laptop', 'L'), SLOTS);
    await h.packages.publish('alice', 'phone1', [pkg(1)], LAST, 200);
    await h.packages.publish('alice', 'laptop', [pkg(2), pkg(3)], LAST, 200);
    assert.equal(await h.packages.take('alice', true, 'laptop'), [{ device: 'laptop', package: pkg(2), lastResort: false }]);
    assert.equal(await h.packages.take('alice', true, 'tablet'), []);
    assert.equal(await h.packages.stock('alice'), [{ name: 'alice', device: 'laptop', held: 1 }, { name: 'alice', device: 'phone1', held: 1 }]);
  });

  it('without oneTime only last resorts are given and the one-time packages stay', async ({ h }) => {
    await h.packages.publish('alice', 'phone1', [pkg(1)], LAST, 200);
    assert.equal(await h.packages.take('alice', false), [{ device: 'phone1', package: LAST, lastResort: true }]);
    assert.equal(await h.packages.stock(), [{ name: 'alice', device: 'phone1', held: 1 }]);
  });

  it('a new last resort replaces the old; a refill without one keeps it', async ({ h }) => {
    await h.packages.publish('alice', 'phone1', [], LAST, 200);
    await h.packages.publish('alice', 'phone1', [], 'mls1.TmV3', 200);
    assert.equal(await h.packages.publish('alice', 'phone1', [pkg(1)], undefined, 200), { ok: true, held: 1 });
    await h.packages.take('alice', true);
    assert.equal(await h.packages.take('alice', true), [{ device: 'phone1', package: 'mls1.TmV3', lastResort: true }]);
  });

  it('refuses, storing nothing, past the limit or for an unknown device', async ({ h }) => {
    await h.packages.publish('alice', 'phone1', [pkg(1), pkg(2)], undefined, 3);
    assert.equal(await h.packages.publish('alice', 'phone1', [pkg(3), pkg(4)], LAST, 3), { ok: false, code: 'too_many_key_packages' });
    assert.equal(await h.packages.stock(), [{ name: 'alice', device: 'phone1', held: 2 }]);
    await h.packages.take('alice', true);
    await h.packages.take('alice', true);
    assert.equal(await h.packages.take('alice', true), [], 'the refused last resort was not stored');
    assert.equal(await h.packages.publish('alice', 'gone', [pkg(1)], LAST, 3), { ok: false, code: 'no_such_device' });
    assert.equal(await h.packages.publish('bob', 'phone1', [pkg(1)], LAST, 3), { ok: false, code: 'no_such_device' });
  });

  it('stock counts each device\'s one-time packages, devices without any included', async ({ h }) => {
    await h.credentials.add('bob', 'hash');
    await h.devices.add('bob', device('desk'), SLOTS);
    await h.devices.add('alice', device('laptop', 'L'), SLOTS);
    await h.packages.publish('alice', 'phone1', [pkg(1), pkg(2)], LAST, 200);
    assert.equal(await h.packages.stock(), [
      { name: 'alice', device: 'laptop', held: 0 },
      { name: 'alice', device: 'phone1', held: 2 },
      { name: 'bob', device: 'desk', held: 0 },
    ]);
    assert.equal(await h.packages.stock('bob'), [{ name: 'bob', device: 'desk', held: 0 }]);
  });

  it('takers at once, as on several instances, never get the same one-time package and skip none', async ({ h }) => {
    const packages = Array.from({ length: 20 }, (_, i) => pkg(i));
    await h.packages.publish('alice', 'phone1', packages, LAST, 200);
    const other = await h.other?.();
    try {
      const stores = [h.packages, other?.packages ?? h.packages];
      const takes = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 2]!.take('alice', true)));
      const given = takes.map(([handout]) => handout!);
      const oneTime = given.filter((handout) => !handout.lastResort).map((handout) => handout.package);
      assert.equal(oneTime.sort(), [...packages].sort(), 'each one-time package exactly once');
      assert.is(given.filter((handout) => handout.lastResort).length, 10);
    } finally {
      await other?.close();
    }
  });

  it.run();
}

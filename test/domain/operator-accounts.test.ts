import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OperatorAccounts } from '../../src/domain/operator-accounts.ts';
import { SLOTS } from '../contracts/device-directory-contract.ts';
import { InMemoryDevices } from '../support/device-fakes.ts';
import { InMemoryCredentialRepository, InMemoryKeyDirectory, ManualClock, PlainPasswordHasher } from '../support/fakes.ts';

function accounts() {
  const credentials = new InMemoryCredentialRepository();
  const keys = new InMemoryKeyDirectory(credentials);
  const devices = new InMemoryDevices(credentials, keys, new ManualClock());
  return { credentials, keys, devices, accounts: new OperatorAccounts(credentials, new PlainPasswordHasher(), keys, devices, devices) };
}

test('add stores a hash, never the password, and refuses a taken name', async () => {
  const { credentials, accounts: a } = accounts();
  assert.equal(await a.add('alice', 'correct horse'), { ok: true });
  assert.is(credentials.hashes.get('alice'), 'plain:correct horse');
  assert.equal(await a.add('alice', 'another password'), { ok: false, code: 'name_taken' });
});

test('names and passwords are checked: pattern, 1–1024 bytes, at least 10 code points', async () => {
  const { accounts: a } = accounts();
  assert.equal(await a.add('Alice', 'correct horse'), { ok: false, code: 'invalid_name' });
  assert.equal(await a.add('alice', ''), { ok: false, code: 'invalid_password' });
  assert.equal(await a.add('alice', 'x'.repeat(1025)), { ok: false, code: 'invalid_password' });
  assert.equal(await a.add('alice', 'short'), { ok: false, code: 'weak_password' });
  assert.equal(await a.add('alice', '😀'.repeat(9)), { ok: false, code: 'weak_password' }, '18 UTF-16 units, 9 code points');
  assert.equal(await a.add('alice', '😀'.repeat(10)), { ok: true });
});

test('changePassword and remove need an existing operator', async () => {
  const { credentials, accounts: a } = accounts();
  assert.equal(await a.changePassword('bob', 'new password!'), { ok: false, code: 'no_such_operator' });
  assert.equal(await a.remove('bob'), { ok: false, code: 'no_such_operator' });
  await a.add('bob', 'old password!');
  assert.equal(await a.changePassword('bob', 'short'), { ok: false, code: 'weak_password' });
  assert.equal(await a.changePassword('bob', 'new password!'), { ok: true });
  assert.is(credentials.hashes.get('bob'), 'plain:new password!');
  assert.equal(await a.list(), [{ name: 'bob', devices: 0, low: false }]);
  assert.equal(await a.remove('bob'), { ok: true });
  assert.equal(await a.list(), []);
});

const IDENTITY = { agreement: `${'A'.repeat(43)}=`, signing: `${'B'.repeat(42)}A=` };

test('a new password, a removal and revoke-key each take the published key away', async () => {
  const { keys, accounts: a } = accounts();
  await a.add('bob', 'old password!');
  await keys.publish('bob', IDENTITY);
  assert.equal(await a.changePassword('bob', 'new password!'), { ok: true });
  assert.is(await keys.find('bob'), undefined, 'passwd revokes');
  await keys.publish('bob', IDENTITY);
  assert.equal(await a.revokeKey('bob'), { ok: true });
  assert.is(await keys.find('bob'), undefined);
  assert.equal(await a.revokeKey('bob'), { ok: false, code: 'no_key' });
  assert.equal(await a.revokeKey('nobody'), { ok: false, code: 'no_such_operator' });
  await keys.publish('bob', IDENTITY);
  assert.equal(await a.remove('bob'), { ok: true });
  assert.is(await keys.find('bob'), undefined, 'remove revokes');
});

test('reset-devices, passwd and remove take every device and its key packages away; list counts devices and low stock', async () => {
  const { keys, devices, accounts: a } = accounts();
  await a.add('bob', 'old password!');
  await a.add('carol', 'old password!');
  const phone = { device: 'phone1', signing: IDENTITY.signing, certificate: `${'S'.repeat(85)}A==` };
  const addDevices = async () => {
    await keys.publish('bob', IDENTITY);
    await devices.add('bob', phone, SLOTS);
    await devices.add('bob', { ...phone, device: 'laptop' }, SLOTS);
    await devices.publish('bob', 'phone1', Array.from({ length: 10 }, (_, i) => `mls1.${i}`), undefined, 200);
  };
  await addDevices();
  assert.equal(await a.list(), [{ name: 'bob', devices: 2, low: true }, { name: 'carol', devices: 0, low: false }]);
  await devices.publish('bob', 'laptop', Array.from({ length: 10 }, (_, i) => `mls1.${i}`), undefined, 200);
  assert.equal((await a.list())[0], { name: 'bob', devices: 2, low: false }, '10 one-time packages is not low');
  assert.equal(await a.resetDevices('bob'), { ok: true });
  assert.equal([await devices.list('bob'), await keys.find('bob'), await devices.stock()], [[], undefined, []]);
  assert.equal(await a.resetDevices('nobody'), { ok: false, code: 'no_such_operator' });
  assert.equal(await a.resetDevices('No Body'), { ok: false, code: 'invalid_name' });
  await addDevices();
  assert.equal(await a.changePassword('bob', 'new password!'), { ok: true });
  assert.equal([await devices.list('bob'), await keys.find('bob')], [[], undefined], 'passwd resets devices');
  await addDevices();
  assert.equal(await a.remove('bob'), { ok: true });
  assert.equal(await devices.stock(), [], 'remove takes the devices too');
});

test.run();

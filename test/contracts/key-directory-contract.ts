import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';
import type { KeyDirectory } from '../../src/ports/key-directory.ts';

export interface KeyDirectoryHarness {
  readonly credentials: CredentialRepository;
  readonly keys: KeyDirectory;
  /** The same store opened afresh, as after a restart. */
  reopen?(): Promise<{ keys: KeyDirectory; close(): Promise<void> }>;
  dispose(): Promise<void>;
}

const ALICE = { agreement: `${'A'.repeat(43)}=`, signing: `${'B'.repeat(42)}A=` };
const ALICE_NEW = { agreement: `${'C'.repeat(42)}A=`, signing: `${'D'.repeat(42)}A=` };

/** STYLE 5: every KeyDirectory adapter passes this one suite, on the credential store it shares. */
export function keyDirectoryContract(name: string, make: () => Promise<KeyDirectoryHarness>): void {
  const it = suite<{ h: KeyDirectoryHarness }>(`KeyDirectory: ${name}`);
  it.before.each(async (context) => {
    context.h = await make();
  });
  it.after.each(async (context) => {
    await context.h.dispose();
  });

  it('publishes, replaces and finds an operator\'s identity', async ({ h }) => {
    await h.credentials.add('alice', 'hash');
    assert.is(await h.keys.find('alice'), undefined);
    assert.ok(await h.keys.publish('alice', ALICE));
    assert.equal(await h.keys.find('alice'), ALICE);
    assert.ok(await h.keys.publish('alice', ALICE_NEW), 'a new device replaces the identity');
    assert.equal(await h.keys.find('alice'), ALICE_NEW);
  });

  it('finds each operator\'s own identity, one lookup after another', async ({ h }) => {
    for (const name of ['alice', 'bob']) await h.credentials.add(name, 'hash');
    await h.keys.publish('alice', ALICE);
    await h.keys.publish('bob', ALICE_NEW);
    assert.equal([await h.keys.find('bob'), await h.keys.find('alice'), await h.keys.find('carol')], [ALICE_NEW, ALICE, undefined]);
  });

  it('stores no identity for an operator that does not exist', async ({ h }) => {
    assert.not.ok(await h.keys.publish('nobody', ALICE));
    assert.is(await h.keys.find('nobody'), undefined);
  });

  it('revokes once', async ({ h }) => {
    await h.credentials.add('alice', 'hash');
    await h.keys.publish('alice', ALICE);
    assert.ok(await h.keys.revoke('alice'));
    assert.not.ok(await h.keys.revoke('alice'));
    assert.is(await h.keys.find('alice'), undefined);
  });

  it('an identity goes with its operator: a new operator of the same name starts without one', async ({ h }) => {
    await h.credentials.add('alice', 'hash');
    await h.keys.publish('alice', ALICE);
    await h.credentials.remove('alice');
    await h.credentials.add('alice', 'hash');
    assert.is(await h.keys.find('alice'), undefined);
  });

  it('identities are kept across restarts', async ({ h }) => {
    if (h.reopen === undefined) return;
    await h.credentials.add('alice', 'hash');
    await h.keys.publish('alice', ALICE);
    const reopened = await h.reopen();
    try {
      assert.equal(await reopened.keys.find('alice'), ALICE);
    } finally {
      await reopened.close();
    }
  });

  it.run();
}

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';

export interface CredentialHarness {
  readonly repository: CredentialRepository;
  /** A second repository on the same store, as the `operator` command is beside a running server. */
  other?(): Promise<CredentialRepository>;
  dispose(): Promise<void>;
}

/** STYLE 5: every CredentialRepository adapter passes this one suite. */
export function credentialRepositoryContract(name: string, make: () => Promise<CredentialHarness>): void {
  const it = suite<{ h: CredentialHarness }>(`CredentialRepository: ${name}`);
  it.before.each(async (context) => {
    context.h = await make();
  });
  it.after.each(async (context) => {
    await context.h.dispose();
  });

  it('adds an operator once, and finds its hash', async ({ h }) => {
    assert.ok(await h.repository.add('alice', 'hash-1'));
    assert.not.ok(await h.repository.add('alice', 'hash-2'), 'a taken name is refused');
    assert.is(await h.repository.findHash('alice'), 'hash-1');
    assert.is(await h.repository.findHash('bob'), undefined);
  });

  it('knows who exists', async ({ h }) => {
    assert.not.ok(await h.repository.exists('alice'));
    await h.repository.add('alice', 'hash');
    assert.ok(await h.repository.exists('alice'));
    await h.repository.remove('alice');
    assert.not.ok(await h.repository.exists('alice'));
  });

  it('changes a hash only for an existing operator', async ({ h }) => {
    assert.not.ok(await h.repository.changeHash('alice', 'x'));
    await h.repository.add('alice', 'old');
    assert.ok(await h.repository.changeHash('alice', 'new'));
    assert.is(await h.repository.findHash('alice'), 'new');
  });

  it('removes an operator only once', async ({ h }) => {
    await h.repository.add('alice', 'hash');
    assert.ok(await h.repository.remove('alice'));
    assert.not.ok(await h.repository.remove('alice'));
    assert.is(await h.repository.findHash('alice'), undefined);
  });

  it('lists names sorted', async ({ h }) => {
    for (const name of ['carol', 'alice', 'bob.b', 'a-1']) await h.repository.add(name, 'hash');
    assert.equal(await h.repository.list(), ['a-1', 'alice', 'bob.b', 'carol']);
  });

  it('sees changes made by another process: hashes at once, names within a second', async ({ h }) => {
    if (h.other === undefined) return;
    const other = await h.other();
    try {
      await h.repository.add('alice', 'old');
      assert.not.ok(await h.repository.exists('bob'));
      await other.add('bob', 'bob-hash');
      await other.changeHash('alice', 'new');
      assert.is(await h.repository.findHash('alice'), 'new', 'read afresh at every authentication');
      assert.is(await h.repository.findHash('bob'), 'bob-hash');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.ok(await h.repository.exists('bob'));
      await other.remove('bob');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.not.ok(await h.repository.exists('bob'));
    } finally {
      await other.close();
    }
  });

  it.run();
}

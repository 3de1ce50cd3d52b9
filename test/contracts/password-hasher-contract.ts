import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PasswordHasher } from '../../src/ports/password-hasher.ts';

/** STYLE 5: every PasswordHasher adapter passes this suite. */
export function passwordHasherContract(name: string, make: () => PasswordHasher): void {
  const it = suite(`PasswordHasher: ${name}`);

  it('verifies the password it hashed, and no other', async () => {
    const hasher = make();
    const stored = await hasher.hash('correct horse battery');
    assert.is(await hasher.verify('correct horse battery', stored), true);
    assert.is(await hasher.verify('correct horse batterY', stored), false);
    assert.is(await hasher.verify('', stored), false);
  });

  it('never stores the password, and salts each hash', async () => {
    const hasher = make();
    const first = await hasher.hash('correct horse battery');
    assert.not.ok(first.includes('correct horse'));
    assert.is.not(first, await hasher.hash('correct horse battery'));
  });

  it('an unknown name (no stored hash) is refused', async () => {
    assert.is(await make().verify('correct horse battery', undefined), false);
  });

  it.run();
}

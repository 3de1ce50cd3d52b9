import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyStore } from '../../src/client/e2e/key-store.ts';
import { KeyStoreError } from '../../src/client/e2e/key-store-error.ts';
import { tempDir } from '../support/temp-dir.ts';

test('created on first use: a directory 0700 of files 0600, the same identity when opened again', () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'keys', 'alice');
    const store = KeyStore.open(path);
    store.setPublished(true);
    store.setPin('bob', { agreement: `${'A'.repeat(43)}=`, signing: `${'B'.repeat(42)}A=` }, false);
    store.setSeenEnvelopes([{ id: 'n1', sentAt: 5 }]);
    assert.is(statSync(path).mode & 0o777, 0o700);
    for (const file of ['identity.json', 'state.json', 'pins.json', 'seen.json']) assert.is(statSync(join(path, file)).mode & 0o777, 0o600, file);
    chmodSync(path, 0o755);
    const again = KeyStore.open(path);
    assert.is(statSync(path).mode & 0o777, 0o700, 'a looser directory is tightened');
    assert.equal(again.identity.public, store.identity.public);
    assert.is(again.published, true);
    assert.equal(again.pin('bob'), store.pin('bob'));
    assert.equal(again.seenEnvelopes, [{ id: 'n1', sentAt: 5 }]);
    assert.is.not(KeyStore.open(join(dir.path, 'keys', 'bob')).identity.public.signing, store.identity.public.signing, 'each store its own identity');
  } finally {
    dir.remove();
  }
});

test('a damaged store is a clear error, and is left exactly as it was', () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'alice');
    const store = KeyStore.open(path);
    store.setPublished(true);
    store.setPin('bob', { agreement: `${'A'.repeat(43)}=`, signing: `${'B'.repeat(42)}A=` }, true);
    store.setSeenEnvelopes([]);
    for (const [file, content] of [['identity.json', '{"version":1,"agreement":{"secret":"short"}'], ['pins.json', '{"bob":{"identity":{"agreement":"x"}}}'], ['state.json', '[]'], ['seen.json', '[{"id":"n1"}]']] as const) {
      const before = readFileSync(join(path, file), 'utf8');
      writeFileSync(join(path, file), content);
      assert.throws(() => KeyStore.open(path), (error: Error) => error instanceof KeyStoreError && error.message.includes(`damaged (${file}`));
      assert.is(readFileSync(join(path, file), 'utf8'), content, 'not overwritten');
      writeFileSync(join(path, file), before);
      assert.is(KeyStore.open(path).pin('bob')?.verified, true, 'restored, it opens again');
    }
  } finally {
    dir.remove();
  }
});

test('encrypted under a passphrase: the secrets are not in the file, and it opens only with the passphrase', () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'alice');
    const plain = KeyStore.open(path);
    const secret = Buffer.from(plain.identity.signingSecret).toString('base64');
    assert.match(readFileSync(join(path, 'identity.json'), 'utf8'), secret, 'in clear unless asked');
    assert.throws(() => KeyStore.open(path, { encrypt: true }), (error: Error) => error instanceof KeyStoreError && error.message.includes('needs a passphrase'));
    const encrypted = KeyStore.open(path, { passphrase: 'correct horse', encrypt: true });
    assert.equal(encrypted.identity.public, plain.identity.public);
    const file = readFileSync(join(path, 'identity.json'), 'utf8');
    assert.not.match(file, secret);
    assert.ok(KeyStore.isSealed(path));
    assert.is(statSync(join(path, 'identity.json')).mode & 0o777, 0o600);
    assert.throws(() => KeyStore.open(path), (error: Error) => error instanceof KeyStoreError && error.message.includes('is encrypted: set LITSXG_KEY_PASSPHRASE'));
    assert.throws(() => KeyStore.open(path, { passphrase: 'wrong' }), (error: Error) => error instanceof KeyStoreError && error.message.includes('wrong passphrase'));
    assert.is(readFileSync(join(path, 'identity.json'), 'utf8'), file, 'a failed open changes nothing');
    assert.equal(KeyStore.open(path, { passphrase: 'correct horse' }).identity.public, plain.identity.public);
    const fresh = join(dir.path, 'bob');
    const created = KeyStore.open(fresh, { passphrase: 'another', encrypt: true });
    assert.ok(KeyStore.isSealed(fresh), 'a new store is created encrypted');
    assert.equal(KeyStore.open(fresh, { passphrase: 'another' }).identity.public, created.identity.public);
  } finally {
    dir.remove();
  }
});

test.run();

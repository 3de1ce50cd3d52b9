import fc from 'fast-check';
import type { CiphersuiteImpl, CiphersuiteName, ClientState, MlsPrivateMessage, MlsPublicMessage } from 'ts-mls';
import {
  createApplicationMessage, createCommit, createGroup, defaultCapabilities, defaultLifetime, emptyPskIndex,
  generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl, joinGroup, processMessage, processPrivateMessage,
} from 'ts-mls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SUPPORTED_SUITES, loadSuite } from '../../src/client/conversations/mls-suite.ts';

/** ts-mls 1.6.4's default provider, unwrapped: what the faster suite must equal byte for byte. */
function plainSuite(name: CiphersuiteName): Promise<CiphersuiteImpl> {
  return getCiphersuiteImpl(getCiphersuiteFromName(name));
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (max: number, min = 0) => fc.uint8Array({ minLength: min, maxLength: max });

async function outcome(work: () => Promise<Uint8Array | boolean>): Promise<string> {
  try {
    const result = await work();
    return typeof result === 'boolean' ? String(result) : hex(result);
  } catch {
    return 'refused';
  }
}

for (const name of SUPPORTED_SUITES) {
  test(`${name}: HMAC and its check give the default provider's answers, for any key and data`, async () => {
    const [fast, plain] = [await loadSuite(name), await plainSuite(name)];
    await fc.assert(fc.asyncProperty(bytes(200), bytes(300), fc.nat(63), async (key, data, flip) => {
      const tag = await outcome(() => plain.hash.mac(key, data));
      assert.is(await outcome(() => fast.hash.mac(key, data)), tag);
      if (tag === 'refused') return;
      const good = Uint8Array.from(Buffer.from(tag, 'hex'));
      const bad = good.slice();
      bad[flip % bad.length]! ^= 1;
      for (const candidate of [good, bad, good.subarray(1)]) {
        assert.is(await outcome(() => fast.hash.verifyMac(key, candidate, data)), await outcome(() => plain.hash.verifyMac(key, candidate, data)));
      }
    }), { numRuns: 150 });
  });

  test(`${name}: HKDF extract and expand give the default provider's bytes, and refuse what it refuses`, async () => {
    const [fast, plain] = [await loadSuite(name), await plainSuite(name)];
    const size = plain.kdf.size;
    const salt = fc.oneof(bytes(0), bytes(size, size), bytes(size + 8, 1));
    await fc.assert(fc.asyncProperty(salt, bytes(100), async (s, ikm) => {
      assert.is(await outcome(() => fast.kdf.extract(s, ikm)), await outcome(() => plain.kdf.extract(s, ikm)));
    }), { numRuns: 100 });
    await fc.assert(fc.asyncProperty(bytes(size + 32), bytes(120), fc.nat(3 * size), async (prk, info, length) => {
      assert.is(await outcome(() => fast.kdf.expand(prk, info, length)), await outcome(() => plain.kdf.expand(prk, info, length)));
    }), { numRuns: 150 });
    assert.is(await outcome(() => fast.kdf.extract(new Uint8Array(size - 1), new Uint8Array(3))), 'refused', 'a salt of another length than the hash\'s');
    assert.is(await outcome(() => fast.kdf.expand(new Uint8Array(size), new Uint8Array(0), 255 * size + 1)), 'refused', 'longer than HKDF gives');
    assert.is(fast.kdf.size, size);
  });

  test(`${name}: a conversation between the faster suite and the default provider (either way) reaches the same epoch secrets`, async () => {
    const [fast, plain] = [await loadSuite(name), await plainSuite(name)];
    const member = (who: string, cs: CiphersuiteImpl) => generateKeyPackage({ credentialType: 'basic', identity: new TextEncoder().encode(who) }, defaultCapabilities(), defaultLifetime, [], cs);
    const [a, b] = [await member('alice', fast), await member('bob', plain)];
    let alice = await createGroup(new Uint8Array(32).fill(7), a.publicPackage, a.privatePackage, [], fast);
    const added = await createCommit({ state: alice, cipherSuite: fast }, { extraProposals: [{ proposalType: 'add', add: { keyPackage: b.publicPackage } }], ratchetTreeExtension: true });
    alice = added.newState;
    let bob = await joinGroup(added.welcome!, b.publicPackage, b.privatePackage, emptyPskIndex, plain);
    const say = async (from: ClientState, to: ClientState, text: string, sender: CiphersuiteImpl, receiver: CiphersuiteImpl) => {
      const sent = await createApplicationMessage(from, new TextEncoder().encode(text), sender);
      const got = await processPrivateMessage(to, sent.privateMessage, emptyPskIndex, receiver);
      assert.is(got.kind, 'applicationMessage');
      assert.is(got.kind === 'applicationMessage' ? new TextDecoder().decode(got.message) : '', text);
      return [sent.newState, got.newState] as const;
    };
    [alice, bob] = await say(alice, bob, 'from the faster suite', fast, plain);
    [bob, alice] = await say(bob, alice, 'from the default provider', plain, fast);
    const update = await createCommit({ state: bob, cipherSuite: plain });
    bob = update.newState;
    const applied = await processMessage(update.commit as MlsPrivateMessage | MlsPublicMessage, alice, emptyPskIndex, () => 'accept', fast);
    assert.is(applied.kind, 'newState');
    alice = applied.newState;
    assert.is(alice.groupContext.epoch, 2n);
    assert.is(hex(alice.keySchedule.epochAuthenticator), hex(bob.keySchedule.epochAuthenticator));
    [alice, bob] = await say(alice, bob, 'after the update', fast, plain);
  });
}

test('RFC 4231 test case 2 (HMAC-SHA-512) and RFC 5869 test case 3 (HKDF-SHA256, empty salt)', async () => {
  const xwing = await loadSuite('MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519');
  const mac = await xwing.hash.mac(new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?'));
  assert.is(hex(mac), '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737');
  const classical = await loadSuite('MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519');
  const prk = await classical.kdf.extract(new Uint8Array(0), new Uint8Array(22).fill(0x0b));
  assert.is(hex(prk), '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04');
  const okm = await classical.kdf.expand(prk, new Uint8Array(0), 42);
  assert.is(hex(okm), '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
});

test('HMAC and HKDF no longer import a WebCrypto key for each call', async () => {
  const suite = await loadSuite();
  const subtle = globalThis.crypto.subtle as { importKey: (...args: unknown[]) => unknown };
  const importKey = subtle.importKey;
  let imports = 0;
  subtle.importKey = (...args: unknown[]) => {
    imports++;
    return Reflect.apply(importKey, globalThis.crypto.subtle, args);
  };
  try {
    const secret = new Uint8Array(suite.kdf.size).fill(1);
    await suite.hash.verifyMac(secret, await suite.hash.mac(secret, secret), secret);
    await suite.kdf.expand(await suite.kdf.extract(secret, secret), secret, 32);
  } finally {
    subtle.importKey = importKey;
  }
  assert.is(imports, 0);
});

test.run();

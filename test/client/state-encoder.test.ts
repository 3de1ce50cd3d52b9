import fc from 'fast-check';
import type { CiphersuiteImpl, ClientState, MlsPrivateMessage, MlsPublicMessage } from 'ts-mls';
import {
  createApplicationMessage, createCommit, createGroup, decodeGroupState, defaultCapabilities, defaultLifetime, emptyPskIndex,
  encodeGroupState, generateKeyPackage, joinGroup, processMessage, processPrivateMessage,
} from 'ts-mls';
import { encode } from 'ts-mls/codec/tlsEncoder.js';
import { secretTreeEncoder } from 'ts-mls/secretTree.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLASSICAL_SUITE, DEFAULT_SUITE, loadSuite } from '../../src/client/conversations/mls-suite.ts';
import { flatSecretTreeEncoder } from '../../src/client/conversations/flat-secret-tree-encoder.ts';
import { StateEncoder } from '../../src/client/conversations/state-encoder.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function member(who: string, cs: CiphersuiteImpl) {
  return generateKeyPackage({ credentialType: 'basic', identity: new TextEncoder().encode(who) }, defaultCapabilities(), defaultLifetime, [], cs);
}

/** Every state alice and bob pass through: a group, an add, messages both ways, updates (old epochs kept). */
async function lifeOfAGroup(cs: CiphersuiteImpl): Promise<ClientState[]> {
  const [a, b, c] = [await member('alice', cs), await member('bob', cs), await member('carol', cs)];
  let alice = await createGroup(new Uint8Array(32).fill(1), a.publicPackage, a.privatePackage, [], cs);
  const states = [alice];
  const added = await createCommit({ state: alice, cipherSuite: cs }, { extraProposals: [b, c].map((p) => ({ proposalType: 'add' as const, add: { keyPackage: p.publicPackage } })), ratchetTreeExtension: true });
  alice = added.newState;
  let bob = await joinGroup(added.welcome!, b.publicPackage, b.privatePackage, emptyPskIndex, cs);
  states.push(alice, bob);
  for (let round = 0; round < 3; round++) {
    const sent = await createApplicationMessage(alice, new TextEncoder().encode(`hello ${round}`), cs);
    alice = sent.newState;
    bob = (await processPrivateMessage(bob, sent.privateMessage, emptyPskIndex, cs)).newState;
    const update = await createCommit({ state: bob, cipherSuite: cs });
    bob = update.newState;
    alice = (await processMessage(update.commit as MlsPrivateMessage | MlsPublicMessage, alice, emptyPskIndex, () => 'accept', cs)).newState;
    states.push(alice, bob);
  }
  return states;
}

for (const name of [DEFAULT_SUITE, CLASSICAL_SUITE]) {
  test(`${name}: the same bytes as ts-mls's encodeGroupState, state after state, with the trees' encodings kept`, async () => {
    const states = await lifeOfAGroup(await loadSuite(name));
    assert.ok(states.at(-1)!.historicalReceiverData.size >= 2, 'old epochs, with their trees, are in the state');
    const encoder = new StateEncoder();
    for (const state of [...states, ...states]) {
      const encoded = encoder.encode(state);
      assert.is(hex(encoded), hex(encodeGroupState(state)));
      const decoded = decodeGroupState(encoded, 0);
      assert.is(decoded?.[1], encoded.length);
    }
  });
}

test('a tree is encoded once, kept by its array: a tree changed in place (never done by ts-mls) would not show', async () => {
  const cs = await loadSuite(CLASSICAL_SUITE);
  const own = await member('alice', cs);
  const other = await member('bob', cs);
  const state = await createGroup(new Uint8Array(32).fill(2), own.publicPackage, own.privatePackage, [], cs);
  const encoder = new StateEncoder();
  const first = hex(encoder.encode(state));
  state.ratchetTree[0] = { nodeType: 'leaf', leaf: other.publicPackage.leafNode };
  assert.is(hex(encoder.encode(state)), first);
  assert.is.not(hex(encodeGroupState(state)), first);
  assert.is.not(hex(new StateEncoder().encode({ ...state, ratchetTree: state.ratchetTree.slice() })), first, 'a new array is encoded anew');
});

test('a secret tree written in one pass is ts-mls\'s encoding, for any tree (every length-prefix size)', () => {
  const generation = fc.record({
    secret: fc.uint8Array({ maxLength: 300 }),
    generation: fc.nat(0xffffffff),
    unusedGenerations: fc.array(fc.tuple(fc.nat(0xffffffff), fc.uint8Array({ maxLength: 80 })), { maxLength: 6 }).map((entries) => Object.fromEntries(entries) as Record<number, Uint8Array>),
  });
  const tree = fc.array(fc.record({ handshake: generation, application: generation }), { maxLength: 40 });
  fc.assert(fc.property(tree, (nodes) => {
    assert.is(hex(encode(flatSecretTreeEncoder)(nodes)), hex(encode(secretTreeEncoder)(nodes)));
  }), { numRuns: 300 });
});

test.run();

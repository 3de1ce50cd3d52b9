import { randomBytes } from 'node:crypto';
import {
  createApplicationMessage, createCommit, createGroup, createProposal, defaultCapabilities, defaultLifetime, encodeMlsMessage,
  generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl,
} from 'ts-mls';
import type { ClientState, CiphersuiteImpl, CiphersuiteName, KeyPackage, MLSMessage, Proposal } from 'ts-mls';

export const SUITES: readonly CiphersuiteName[] = ['MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519', 'MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519'];

/** `mls1.` and the canonical base64 of an encoded MLSMessage (docs/protocol.md "Groups"). */
export function mlsBody(message: MLSMessage): string {
  return `mls1.${Buffer.from(encodeMlsMessage(message)).toString('base64')}`;
}

export interface MlsGroupRun {
  readonly suite: CiphersuiteName;
  /** The group id in canonical padded base64. */
  readonly group: string;
  readonly keyPackage: string;
  /** Epoch 0 → 1, adding bob, as a PrivateMessage; its welcome. */
  readonly addCommit: string;
  readonly welcome: string;
  /** Epoch 1 → 2, adding carol, as a PublicMessage with authenticated data; its welcome. */
  readonly publicCommit: string;
  readonly secondWelcome: string;
  /** At epoch 2. */
  readonly application: string;
  /** At epoch 2, a PublicMessage proposal. */
  readonly proposal: string;
}

async function keyPackage(name: string, impl: CiphersuiteImpl) {
  return generateKeyPackage({ credentialType: 'basic', identity: new TextEncoder().encode(name) }, defaultCapabilities(), defaultLifetime, [], impl);
}

const add = (kp: KeyPackage): Proposal => ({ proposalType: 'add', add: { keyPackage: kp } });

/** Real messages of one group's life under `suite`, made by ts-mls: alice creates it, adds bob, then carol. */
export async function mlsGroupRun(suite: CiphersuiteName, groupId: Uint8Array = randomBytes(32)): Promise<MlsGroupRun> {
  const impl = await getCiphersuiteImpl(getCiphersuiteFromName(suite));
  const [alice, bob, carol] = await Promise.all([keyPackage('alice', impl), keyPackage('bob', impl), keyPackage('carol', impl)]);
  let state: ClientState = await createGroup(groupId, alice.publicPackage, alice.privatePackage, [], impl);
  const first = await createCommit({ state, cipherSuite: impl }, { extraProposals: [add(bob.publicPackage)] });
  state = first.newState;
  const second = await createCommit({ state, cipherSuite: impl }, {
    extraProposals: [add(carol.publicPackage)], wireAsPublicMessage: true, authenticatedData: new Uint8Array(300).fill(7),
  });
  state = second.newState;
  const application = await createApplicationMessage(state, new TextEncoder().encode('hello group'), impl);
  const proposal = await createProposal(application.newState, true, { proposalType: 'remove', remove: { removed: 1 } }, impl);
  return {
    suite,
    group: Buffer.from(groupId).toString('base64'),
    keyPackage: mlsBody({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: bob.publicPackage }),
    addCommit: mlsBody(first.commit),
    welcome: mlsBody({ version: 'mls10', wireformat: 'mls_welcome', welcome: first.welcome! }),
    publicCommit: mlsBody(second.commit),
    secondWelcome: mlsBody({ version: 'mls10', wireformat: 'mls_welcome', welcome: second.welcome! }),
    application: mlsBody({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: application.privateMessage }),
    proposal: mlsBody(proposal.message),
  };
}

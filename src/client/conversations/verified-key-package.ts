import type { AuthenticationService, CiphersuiteName, KeyPackage, Proposal } from 'ts-mls';
import type { FetchedPackage } from './conversation-events.ts';
import { ConversationError, UntrustedDevice } from './conversation-events.ts';
import { readDeviceCredential } from './device-credential.ts';
import { fromMlsBody } from './mls-body.ts';

/**
 * A key package from the relay, checked before it goes into a commit: of the suite, of the
 * device it was fetched for (the relay cannot swap people), certified by its operator's identity.
 */
export async function verifiedKeyPackage({ name, device, package: body }: FetchedPackage, suite: CiphersuiteName, auth: AuthenticationService): Promise<KeyPackage> {
  const message = fromMlsBody(body);
  if (message?.wireformat !== 'mls_key_package') throw new ConversationError('not a key package');
  const { keyPackage } = message;
  if (keyPackage.cipherSuite !== suite) throw new ConversationError(`a key package for ${keyPackage.cipherSuite}`);
  const claim = readDeviceCredential(keyPackage.leafNode.credential);
  if (claim !== undefined && (claim.name !== name || claim.device !== device)) throw new ConversationError(`a key package of ${claim.name}/${claim.device} handed out for ${name}/${device}`);
  if (claim === undefined) throw new ConversationError('a key package without a device credential');
  if (!await auth.validateCredential(keyPackage.leafNode.credential, keyPackage.leafNode.signaturePublicKey)) {
    throw new UntrustedDevice({ name, device }, 'a key package whose device its operator did not certify');
  }
  return keyPackage;
}

/** A commit's proposals adding the devices of `packages`, each verified first (see verifiedKeyPackage). */
export async function addProposals(packages: readonly FetchedPackage[], suite: CiphersuiteName, auth: AuthenticationService): Promise<Proposal[]> {
  const proposals: Proposal[] = [];
  for (const fetched of packages) proposals.push({ proposalType: 'add', add: { keyPackage: await verifiedKeyPackage(fetched, suite, auth) } });
  return proposals;
}

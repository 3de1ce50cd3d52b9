import type { ClientConfig, Credential } from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import type { DeviceRef } from './device-credential.ts';
import { readDeviceCredential, verifyCertificate } from './device-credential.ts';

/** Where the core learns an operator's identity key: the trust store (pinned) in a client. */
export interface IdentityResolver {
  /** The operator-level Ed25519 identity key of `name`, or undefined when it has none. */
  identityOf(name: string): Promise<Uint8Array | undefined>;
}

/**
 * ts-mls asks this for every leaf it meets (a join's tree, an add, a commit's path): a leaf is
 * accepted only when its device certificate verifies under its operator's identity key, so the
 * relay cannot slip a device of its own into a conversation.
 */
export function deviceClientConfig(identities: IdentityResolver, onUntrusted: (claim: DeviceRef) => void = () => undefined): ClientConfig {
  return {
    ...defaultClientConfig,
    // Two epochs of old keys: a message sent just before a commit still opens, and a device
    // copied later opens nothing older (the forward-secrecy test pins it).
    keyRetentionConfig: { ...defaultClientConfig.keyRetentionConfig, retainKeysForEpochs: 2 },
    authService: {
      async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
        const claim = readDeviceCredential(credential);
        if (claim === undefined) return false;
        const identity = await identities.identityOf(claim.name);
        const valid = identity !== undefined && verifyCertificate(identity, claim.name, claim.device, signaturePublicKey, claim.certificate);
        // A device of another identity than the pinned one: a key change, for the caller to look into.
        if (!valid) onUntrusted({ name: claim.name, device: claim.device });
        return valid;
      },
    },
  };
}

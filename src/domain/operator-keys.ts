import type { Challenges } from '../ports/challenges.ts';
import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { DeviceDirectory } from '../ports/device-directory.ts';
import type { KeyDirectory } from '../ports/key-directory.ts';
import type { SignatureVerifier } from '../ports/signature-verifier.ts';
import type { AuthOutcome, Authenticator } from './authenticator.ts';
import type { DeviceId } from './devices.ts';
import { mailboxOf } from './mailbox.ts';
import type { PublicIdentity } from './identity-keys.ts';
import { keyLoginMessage } from './identity-keys.ts';
import type { OperatorName } from './names.ts';

export type FetchOutcome = { ok: true; identity: PublicIdentity } | { ok: false; code: 'no_such_recipient' | 'no_key' };

/** The key directory and login by key (docs/protocol.md "Keys", "Login by key"). */
export class OperatorKeys {
  constructor(
    private readonly directory: KeyDirectory,
    private readonly devices: DeviceDirectory,
    private readonly credentials: CredentialRepository,
    private readonly verifier: SignatureVerifier,
    private readonly challenges: Challenges,
    private readonly authenticator: Authenticator,
    /** Named in `hello` and in every key login's signed message: a signature is good on this server only. */
    readonly serverId: string,
  ) {}

  /** A fresh challenge for a new connection's `hello`. */
  challenge(): string {
    return this.challenges.next();
  }

  /**
   * PROTOCOL "Session" 4, unchanged for keys: the same throttle, and an unknown name, a name
   * without a key and a wrong signature all fail alike. With `device`, the device's own key
   * signs for its mailbox `name/device` (docs/protocol.md "Devices and key packages"); a
   * revoked device is an unknown one.
   */
  login(name: OperatorName, challenge: string, signature: string, device?: DeviceId): Promise<AuthOutcome> {
    return this.authenticator.attempt(name, async () => {
      const signing = device === undefined ? (await this.directory.find(name))?.signing : (await this.devices.find(name, device))?.signing;
      return signing !== undefined && await this.verifier.verify(signing, keyLoginMessage(this.serverId, challenge, mailboxOf(name, device)), signature);
    });
  }

  /** False when the operator was removed meanwhile. */
  publish(name: OperatorName, identity: PublicIdentity): Promise<boolean> {
    return this.directory.publish(name, identity);
  }

  async fetch(name: OperatorName): Promise<FetchOutcome> {
    const identity = await this.directory.find(name);
    if (identity !== undefined) return { ok: true, identity };
    return { ok: false, code: (await this.credentials.exists(name)) ? 'no_key' : 'no_such_recipient' };
  }
}

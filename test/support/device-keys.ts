import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { deviceCertificateMessage } from '../../src/domain/devices.ts';
import { keyLoginMessage } from '../../src/domain/identity-keys.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const sign = (secret: Uint8Array, message: string) => b64(ed25519.sign(new TextEncoder().encode(message), secret));

/** An operator identity as a client makes it: what `publish_key` sends, and the secret that certifies devices. */
export function makeIdentity() {
  const signing = ed25519.keygen();
  return {
    published: { agreement: b64(x25519.keygen().publicKey), signing: b64(signing.publicKey) },
    /** docs/protocol.md "Devices and key packages": a new device of `name`, certified by this identity. */
    device(name: string, device: string) {
      const own = ed25519.keygen();
      const record = { device, signing: b64(own.publicKey) };
      return {
        record: { ...record, certificate: sign(signing.secretKey, deviceCertificateMessage(name, record)) },
        /** What `auth_key` carries for this device on a connection of `serverId` with `challenge`. */
        login: (challenge: string, serverId: string) => sign(own.secretKey, keyLoginMessage(serverId, challenge, `${name}/${device}`)),
      };
    },
  };
}

/** A key package as the relay sees one: `mls1.` and canonical base64 (the relay reads nothing inside). */
export const keyPackage = (label: string) => `mls1.${Buffer.from(label).toString('base64')}`;


/**
 * An operator's public identity (docs/protocol.md "Keys"): an X25519 key for agreement and an
 * Ed25519 key for signatures, each 32 bytes in standard base64. The relay checks their shape
 * and hands them out; it never uses the agreement key.
 */
export interface PublicIdentity {
  readonly agreement: string;
  readonly signing: string;
}

/** Exactly 32 bytes in canonical padded base64 (the last character carries no stray bits). */
const KEY_32 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
/** Exactly 64 bytes in canonical padded base64: an Ed25519 signature. */
const SIGNATURE_64 = /^[A-Za-z0-9+/]{85}[AQgw]==$/;

export function isPublicKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_32.test(value);
}

export function isSignature(value: unknown): value is string {
  return typeof value === 'string' && SIGNATURE_64.test(value);
}

/**
 * What a key login signs (docs/protocol.md "Login by key"): a label no other Litsxg signature
 * starts with, this server's id and the connection's challenge from `hello`, and the mailbox
 * (the name, or `name/device`), so a signature is good for one login to one mailbox on one
 * connection of one server.
 */
export function keyLoginMessage(serverId: string, challenge: string, mailbox: string): string {
  return `litsxg key login v1\n${serverId}\n${challenge}\n${mailbox}`;
}

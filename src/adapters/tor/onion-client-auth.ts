import { readFile } from 'node:fs/promises';
import { CLIENT_KEY_PATTERN, privateKeyBase64 } from './onion-client-key.ts';
import { authenticateTorControl } from './tor-control-authenticator.ts';
import { TorControlConnection } from './tor-control-connection.ts';
import { parseTorControlEndpoint } from './tor-control-endpoint.ts';

/** A client's key for one onion: what `operator onion-key` prints, read back. */
export interface OnionClientCredential {
  /** The 56-character service id, without `.onion`. */
  readonly serviceId: string;
  readonly privateKey: string;
}

const AUTH_PRIVATE = /^([a-z2-7]{56}):descriptor:x25519:([A-Za-z2-7]{52})$/;
const SERVICE_ID = /^([a-z2-7]{56})(\.onion)?$/;

/**
 * A `ClientOnionAuthDir` line (`<id>:descriptor:x25519:<key>`), or the bare key for the onion
 * being reached (`serverHost`). Throws a one-line error that never repeats the file's content.
 */
export async function readOnionKeyFile(path: string, serverHost: string): Promise<OnionClientCredential> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new Error(`cannot read the onion key file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const line = AUTH_PRIVATE.exec(text);
  if (line !== null) {
    const expected = SERVICE_ID.exec(serverHost)?.[1];
    if (expected !== undefined && expected !== line[1]) throw new Error(`the onion key file ${path} is for another onion than ${serverHost}`);
    return { serviceId: line[1]!, privateKey: line[2]!.toUpperCase() };
  }
  const serviceId = SERVICE_ID.exec(serverHost)?.[1];
  if (!CLIENT_KEY_PATTERN.test(text.toUpperCase())) {
    throw new Error(`the onion key file ${path} holds neither "<onion>:descriptor:x25519:<key>" nor a 52-character base32 key`);
  }
  if (serviceId === undefined) throw new Error(`an onion key is for a .onion server, not ${serverHost}`);
  return { serviceId, privateKey: text.toUpperCase() };
}

/** control-spec ONION_CLIENT_AUTH_ADD on the client's own tor: it then decrypts the onion's descriptor. */
export async function registerOnionClientKey(control: string, password: string | undefined, credential: OnionClientCredential): Promise<void> {
  const conn = await TorControlConnection.open(parseTorControlEndpoint(control), control, 10_000);
  try {
    await authenticateTorControl(conn, password);
    const reply = await conn.command(`ONION_CLIENT_AUTH_ADD ${credential.serviceId} x25519:${privateKeyBase64(credential.privateKey)}`);
    // 251: tor had a key for this onion and replaced it.
    if (reply.status !== 250 && reply.status !== 251) throw new Error(`tor refused the onion key: ${reply.status} ${reply.lines.join(' ')}`);
  } finally {
    await conn.close();
  }
}

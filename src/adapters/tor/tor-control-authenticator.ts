import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TorControlConnection } from './tor-control-connection.ts';
import { TorControlError } from './tor-control-error.ts';

const SERVER_TO_CONTROLLER = 'Tor safe cookie authentication server-to-controller hash';
const CONTROLLER_TO_SERVER = 'Tor safe cookie authentication controller-to-server hash';

/**
 * control-spec 3.21 PROTOCOLINFO, then 3.5 AUTHENTICATE: the password when one is given
 * (HASHEDPASSWORD), else SAFECOOKIE, COOKIE or NULL, in that order of preference.
 */
export async function authenticateTorControl(conn: TorControlConnection, password: string | undefined): Promise<void> {
  const info = await conn.expectOk('PROTOCOLINFO 1', 'PROTOCOLINFO');
  const authLine = info.lines.find((line) => line.startsWith('AUTH '));
  const methods = new Set((/METHODS=(\S+)/.exec(authLine ?? '')?.[1] ?? '').split(','));
  const cookieFile = parseQuoted(/COOKIEFILE=("(?:[^"\\]|\\.)*")/.exec(authLine ?? '')?.[1]);

  if (password !== undefined) {
    if (!methods.has('HASHEDPASSWORD')) {
      throw new TorControlError('auth_failed', `tor does not accept a control password (it offers ${[...methods].join(', ')})`);
    }
    // The hex form of the password needs no quoting or escaping.
    return authenticate(conn, Buffer.from(password, 'utf8').toString('hex'));
  }
  if (methods.has('NULL')) return authenticate(conn, '');
  if ((methods.has('SAFECOOKIE') || methods.has('COOKIE')) && cookieFile !== undefined) {
    const cookie = await readCookie(cookieFile);
    if (methods.has('SAFECOOKIE')) return safeCookie(conn, cookie);
    return authenticate(conn, cookie.toString('hex'));
  }
  if (methods.has('HASHEDPASSWORD')) {
    throw new TorControlError('auth_failed', 'tor requires a control password (--tor-password or LITSXG_TOR_PASSWORD)');
  }
  throw new TorControlError('auth_failed', `tor offers no authentication method we support (${[...methods].join(', ')})`);
}

async function safeCookie(conn: TorControlConnection, cookie: Buffer): Promise<void> {
  const clientNonce = randomBytes(32);
  const reply = await conn.command(`AUTHCHALLENGE SAFECOOKIE ${clientNonce.toString('hex')}`);
  const line = reply.lines[0] ?? '';
  const serverHash = /SERVERHASH=([0-9A-Fa-f]{64})/.exec(line)?.[1];
  const serverNonce = /SERVERNONCE=([0-9A-Fa-f]{64})/.exec(line)?.[1];
  if (reply.status !== 250 || serverHash === undefined || serverNonce === undefined) {
    throw new TorControlError('auth_failed', `tor refused AUTHCHALLENGE: ${reply.status} ${line}`);
  }
  const message = Buffer.concat([cookie, clientNonce, Buffer.from(serverNonce, 'hex')]);
  const expected = createHmac('sha256', SERVER_TO_CONTROLLER).update(message).digest();
  // A tor that cannot prove it knows the cookie is not the tor we meant to talk to.
  if (!timingSafeEqual(expected, Buffer.from(serverHash, 'hex'))) {
    throw new TorControlError('auth_failed', 'the control port did not prove knowledge of the cookie');
  }
  const clientHash = createHmac('sha256', CONTROLLER_TO_SERVER).update(message).digest('hex');
  return authenticate(conn, clientHash);
}

async function authenticate(conn: TorControlConnection, credential: string): Promise<void> {
  const reply = await conn.command(credential === '' ? 'AUTHENTICATE' : `AUTHENTICATE ${credential}`);
  if (reply.status !== 250) {
    throw new TorControlError('auth_failed', `tor refused authentication: ${reply.status} ${reply.lines.join(' ')}`);
  }
}

async function readCookie(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TorControlError('auth_failed', `cannot read tor's control cookie ${path} (${code}); run as a user that may read it, or use --tor-password`);
  }
}

/** control-spec 2.1 QuotedString: backslash escapes, as tor writes COOKIEFILE. */
function parseQuoted(quoted: string | undefined): string | undefined {
  if (quoted === undefined) return undefined;
  return quoted.slice(1, -1).replace(/\\(.)/g, (_, char: string) => ({ n: '\n', r: '\r', t: '\t' })[char] ?? char);
}

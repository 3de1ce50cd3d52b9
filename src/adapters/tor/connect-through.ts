import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { SocksClient } from 'socks';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Opens a TCP connection to `server`, through a SOCKS5 proxy (Tor's SocksPort) when one is
 * given. The proxy always receives the host *name* (SOCKS5 ATYP 3), so it resolves it: a
 * `.onion` name is never handed to local DNS. Without a proxy, a `.onion` name is refused.
 */
export async function connectThrough(server: ServerAddress, proxy: URL | string | undefined, timeoutMs: number): Promise<Socket> {
  if (proxy === undefined || proxy === '') {
    if (isOnion(server.host)) {
      throw new Error(`${server.host} is an onion address: connect through Tor with --proxy socks5://127.0.0.1:9050`);
    }
    return direct(server, timeoutMs);
  }
  const url = parseProxyUrl(proxy);
  const proxyHost = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const proxyPort = Number(url.port || 1080);
  let toProxy: Socket | undefined;
  let received = Buffer.alloc(0);
  try {
    toProxy = await direct({ host: proxyHost, port: proxyPort }, timeoutMs);
    // Kept to read tor's SOCKS reply code, which the socks package does not report past 0x08.
    toProxy.on('data', (chunk: Buffer) => { received = Buffer.concat([received, chunk]).subarray(0, 64); });
    const { socket } = await SocksClient.createConnection({
      command: 'connect',
      existing_socket: toProxy,
      proxy: {
        host: proxyHost,
        port: proxyPort,
        type: 5,
        ...isolationCredentials(url),
      },
      destination: { host: server.host, port: server.port },
      timeout: timeoutMs,
    });
    toProxy.removeAllListeners('data');
    return socket;
  } catch (error) {
    toProxy?.destroy();
    const why = ONION_FAILURES[socksReplyCode(received) ?? -1] ?? (error as Error).message;
    throw new Error(`cannot reach ${server.host}:${server.port} through ${url.protocol}//${url.host}: ${why}`);
  }
}

/**
 * Fresh SOCKS credentials for every attempt, the user's own (from the proxy URL) kept as their
 * prefix. Tor gives each pair a circuit of its own (IsolateSOCKSAuth, on by default), so an
 * attempt never waits on a rendezvous circuit an earlier one left stalled, as after the onion's
 * tor restarted (issue 24 "Reconnecting through a restarted onion").
 */
function isolationCredentials(url: URL): { userId: string; password: string } {
  const fresh = randomBytes(12).toString('base64url');
  return { userId: `${decodeURIComponent(url.username) || 'litsxg'}-${fresh}`, password: `${decodeURIComponent(url.password)}${fresh}` };
}

/** Tor's SOCKS5 extended errors (tor manual, SocksPort ExtendedErrors): the ones a client can act on. */
const ONION_FAILURES: Readonly<Record<number, string>> = {
  0xf0: 'tor found no descriptor for this onion (wrong address, or the service is not published right now)',
  0xf2: 'the onion did not answer at its introduction points (the service is down, or restarting)',
  0xf4: 'the onion admits only holders of a client-authorization key, and your tor has none for it: give yours with --onion-key FILE --tor-control HOST:PORT (or put it in your tor\'s ClientOnionAuthDir)',
  0xf5: 'the onion does not accept your client-authorization key (removed, or another server\'s)',
  0xf7: 'the onion did not answer in time at its introduction points',
};

/** The REP byte of the final SOCKS5 reply: after the method choice (and the user/password answer). */
function socksReplyCode(received: Buffer): number | undefined {
  const start = received[1] === 0x02 ? 4 : 2;
  return received[start] === 0x05 ? received[start + 1] : undefined;
}

/** `socks5://HOST:PORT` or `socks5h://HOST:PORT` (the same here: names are always resolved remotely). */
export function parseProxyUrl(proxy: URL | string): URL {
  let url: URL;
  try {
    url = typeof proxy === 'string' ? new URL(proxy) : proxy;
  } catch {
    throw new Error(`--proxy must look like socks5://HOST:PORT, not "${String(proxy)}"`);
  }
  if (url.protocol !== 'socks5:' && url.protocol !== 'socks5h:') {
    throw new Error(`--proxy must be a socks5:// URL, not ${url.protocol}//`);
  }
  if (url.hostname === '') throw new Error('--proxy names no host');
  return url;
}

export function isOnion(host: string): boolean {
  return /\.onion\.?$/i.test(host);
}

function direct(server: ServerAddress, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`cannot reach ${server.host}:${server.port}: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach ${server.host}:${server.port}: ${error.code ?? error.message}`));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

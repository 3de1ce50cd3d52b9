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
  try {
    const { socket } = await SocksClient.createConnection({
      command: 'connect',
      proxy: {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: Number(url.port || 1080),
        type: 5,
        // Tor isolates circuits by SOCKS credentials (IsolateSOCKSAuth), so they are passed on.
        ...(url.username ? { userId: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : {}),
      },
      destination: { host: server.host, port: server.port },
      timeout: timeoutMs,
    });
    return socket;
  } catch (error) {
    throw new Error(`cannot reach ${server.host}:${server.port} through ${url.protocol}//${url.host}: ${(error as Error).message}`);
  }
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

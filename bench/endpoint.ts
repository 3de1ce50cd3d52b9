import type { Socket } from 'node:net';
import { connectThrough } from '../src/adapters/tor/connect-through.ts';

export interface Endpoint {
  host: string;
  port: number;
  /** `socks5://HOST:PORT` (Tor's SOCKS port); the host name is resolved by the proxy. */
  proxy?: string;
}

/** `HOST:PORT` or `[V6]:PORT`; undefined when malformed. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}

export function openSocket(endpoint: Endpoint, timeoutMs: number): Promise<Socket> {
  return connectThrough({ host: endpoint.host, port: endpoint.port }, endpoint.proxy, timeoutMs);
}

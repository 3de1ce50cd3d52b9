import type { Socket } from 'node:net';
import { connectThrough } from '../src/adapters/tor/connect-through.ts';

export interface Endpoint {
  host: string;
  port: number;
  /** `socks5://HOST:PORT` (Tor's SOCKS port); the host name is resolved by the proxy. */
  proxy?: string;
}

export function openSocket(endpoint: Endpoint, timeoutMs: number): Promise<Socket> {
  return connectThrough({ host: endpoint.host, port: endpoint.port }, endpoint.proxy, timeoutMs);
}

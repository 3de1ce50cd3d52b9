import type { NetConnectOpts } from 'node:net';

/**
 * `--tor-control` accepts `HOST:PORT`, `[IPv6]:PORT`, a bare port (on 127.0.0.1), or a unix
 * socket path (anything containing a `/`, optionally prefixed `unix:`).
 */
export function parseTorControlEndpoint(control: string): NetConnectOpts {
  const value = control.trim();
  if (value.startsWith('unix:')) return { path: value.slice('unix:'.length) };
  if (value.includes('/')) return { path: value };
  if (/^\d+$/.test(value)) return { host: '127.0.0.1', port: checkedPort(value, control) };
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  if (!match || host === undefined) {
    throw new Error(`--tor-control must be HOST:PORT or a socket path, not "${control}"`);
  }
  return { host, port: checkedPort(match[3] ?? '', control) };
}

function checkedPort(text: string, control: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--tor-control has no valid port: "${control}"`);
  }
  return port;
}

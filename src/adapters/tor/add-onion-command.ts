import { isIPv6 } from 'node:net';
import { CLIENT_KEY_PATTERN } from './onion-client-key.ts';
import { TorControlError } from './tor-control-error.ts';

/** Tor's own defences for the onion (control-spec ADD_ONION; tor's manual for their meaning). */
export interface OnionProtections {
  /** Proof-of-work at the introduction points, with its queue's rate and burst; undefined: off. */
  readonly pow?: { readonly queueRate: number; readonly queueBurst: number };
  /** Streams a rendezvous circuit may open before tor closes the circuit; 0: no bound. */
  readonly maxStreams?: number;
}

export interface AddOnionRequest {
  /** `ED25519-V3:<base64>` to publish a known key, or `NEW:ED25519-V3`. */
  readonly key: string;
  readonly virtualPort: number;
  readonly target: { readonly host: string; readonly port: number };
  /** The web client's listener (`serve --web`), as the onion's port 80: what Tor Browser opens for `http://xxx.onion/`. */
  readonly web?: { readonly host: string; readonly port: number };
  /** Base32 x25519 public keys: when given, only their holders get the descriptor (V3Auth). */
  readonly clientAuthKeys?: readonly string[];
  readonly protections: OnionProtections;
}

/** The one ADD_ONION line for `request`; no CRLF inside, nothing a caller's string can inject. */
export function addOnionCommand(request: AddOnionRequest): string {
  const { pow, maxStreams = 0 } = request.protections;
  const auth = request.clientAuthKeys;
  const bad = auth?.findIndex((key) => !CLIENT_KEY_PATTERN.test(key)) ?? -1;
  if (bad !== -1) throw new TorControlError('refused', `client authorization key ${bad + 1} is not a base32 x25519 key`);
  const flags = [...(auth !== undefined ? ['V3Auth'] : []), ...(maxStreams > 0 ? ['MaxStreamsCloseCircuit'] : [])];
  return [
    'ADD_ONION', request.key,
    ...(flags.length > 0 ? [`Flags=${flags.join(',')}`] : []),
    ...(maxStreams > 0 ? [`MaxStreams=${maxStreams}`] : []),
    ...(pow !== undefined ? ['PoWDefensesEnabled=1', `PoWQueueRate=${pow.queueRate}`, `PoWQueueBurst=${pow.queueBurst}`] : []),
    `Port=${request.virtualPort},${targetSpec(request.target)}`,
    ...(request.web !== undefined ? [`Port=80,${targetSpec(request.web)}`] : []),
    ...(auth ?? []).map((key) => `ClientAuthV3=${key}`),
  ].join(' ');
}

/** Tor older than 0.4.8 answers `512 … Unrecognized keyword argument "PoWDefensesEnabled"`. */
export function refusesPow(reply: { status: number; lines: readonly string[] }): boolean {
  return reply.status === 512 && reply.lines.some((line) => /Unrecognized keyword argument "PoW/i.test(line));
}

function targetSpec(target: { host: string; port: number }): string {
  const host = target.host === '0.0.0.0' ? '127.0.0.1' : target.host === '::' ? '::1' : target.host;
  return isIPv6(host) ? `[${host}]:${target.port}` : `${host}:${target.port}`;
}

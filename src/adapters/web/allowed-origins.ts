import { isIPv6 } from 'node:net';

/** A v3 onion name: 56 base32 characters. No DNS name can take this form, so DNS rebinding cannot produce it. */
const ONION_HOST = /^[a-z2-7]{56}\.onion$/;

export interface OriginRules {
  /** Where the web listener is: its own `http://host:port` (a page opened locally). */
  readonly listening: { readonly host: string; readonly port: number };
  /** The onion's address when this server published it (`--onion`). */
  readonly onion: string | undefined;
  /** `--web-origin`. */
  readonly extra: readonly string[];
}

/**
 * Issue 20: a WebSocket is opened only by the app's own pages. Any site's page may try to open
 * one to the onion (browsers allow cross-origin WebSockets), so Origin must be the onion's
 * (known once published), the listener's own, or one configured with `--web-origin`. A server
 * that did not publish its onion (a static torrc, docker-compose) and was given no origin
 * admits a page of the onion it was reached by: Origin equal to `http://` and the Host asked
 * for, that Host a v3 onion name. Browsers always send Origin on a WebSocket; none is refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, rules: OriginRules): boolean {
  if (origin === undefined) return false;
  const listener = isIPv6(rules.listening.host) ? `[${rules.listening.host}]` : rules.listening.host;
  if (origin === `http://${listener}:${rules.listening.port}` || rules.extra.includes(origin)) return true;
  if (rules.onion !== undefined) return origin === `http://${rules.onion}`;
  return rules.extra.length === 0 && host !== undefined && ONION_HOST.test(host) && origin === `http://${host}`;
}

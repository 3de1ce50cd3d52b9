import type { ServeOptions } from './serve-options.ts';

export interface ServeWarning {
  readonly event: string;
  /** What is exposed, and what to do about it, for the operator reading the log. */
  readonly detail: string;
}

/** Issue 11.9: settings that expose the server more than the defaults do; each is logged once, at `warn`, beside `listening`. */
export function serveWarnings(options: Pick<ServeOptions, 'host' | 'onion' | 'registration'>): ServeWarning[] {
  const warnings: ServeWarning[] = [];
  if (!options.onion && !isLoopback(options.host)) {
    warnings.push({
      event: 'exposed_listener',
      detail: `listening on ${options.host}, not loopback, without --onion: anyone who can route to it reaches the server directly, `
        + 'unencrypted and not hidden by Tor; keep it on 127.0.0.1 or behind a private network',
    });
  }
  if (options.registration === 'open') {
    warnings.push({
      event: 'open_registration',
      detail: 'anyone who reaches the server can create an operator with register and message every operator; use --registration closed and operator add',
    });
  }
  return warnings;
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(bare);
}

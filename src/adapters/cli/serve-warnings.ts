import type { ServeOptions } from './serve-options.ts';
import { describeStray, type StrayVariable } from './stray-variables.ts';

export interface ServeWarning {
  readonly event: string;
  /** What is exposed, and what to do about it, for the operator reading the log. */
  readonly detail: string;
}

export type WarnedSettings = Pick<ServeOptions, 'host' | 'onion' | 'registration'> & {
  /** `LITSXG_*` variables no command reads (issue 22), found by main. */
  readonly strayVariables?: readonly StrayVariable[];
};

/**
 * Issue 11.9: settings that expose the server more than the defaults do, and (issue 22) variables
 * likely mistyped; each is logged once, at `warn`, beside `listening`.
 */
export function serveWarnings(options: WarnedSettings): ServeWarning[] {
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
  for (const stray of options.strayVariables ?? []) warnings.push({ event: 'unknown_variable', detail: describeStray(stray) });
  return warnings;
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(bare);
}

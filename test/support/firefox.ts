import type { Browser } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import { commandMissing } from './missing-service.ts';

export const FIREFOX = '/usr/bin/firefox-esr';

/** Why the browser tests cannot run here, or undefined (.ci/run installs Debian's firefox-esr). */
export function firefoxMissing(): string | undefined {
  return commandMissing(FIREFOX, 'firefox-esr');
}

/**
 * Tor Browser's Safer level, as far as the engine goes (issue 20): no JIT (baseline or Ion), no
 * WebAssembly, no asm.js. Safest also turns JavaScript off.
 */
export const SAFER_PREFS = {
  'javascript.options.baselinejit': false,
  'javascript.options.ion': false,
  'javascript.options.wasm': false,
  'javascript.options.asmjs': false,
} as const;

export interface FirefoxOptions {
  /** Safest: no JavaScript at all. */
  readonly safest?: boolean;
  /** Everything through a SOCKS5 proxy with remote DNS, as Tor Browser reaches an onion. */
  readonly socks?: { readonly host: string; readonly port: number };
}

/** Debian's firefox-esr, headless, driven over WebDriver BiDi, at Safer (or Safest). */
export function launchFirefox(options: FirefoxOptions = {}): Promise<Browser> {
  const socks = options.socks === undefined ? {} : {
    'network.proxy.type': 1,
    'network.proxy.socks': options.socks.host,
    'network.proxy.socks_port': options.socks.port,
    'network.proxy.socks_version': 5,
    'network.proxy.socks_remote_dns': true,
    // Firefox otherwise refuses .onion names outright; Tor Browser lifts this, and treats onions as secure contexts.
    'network.dns.blockDotOnion': false,
    'dom.securecontext.allowlist_onions': true,
    'network.proxy.allow_hijacking_localhost': true,
  };
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: { ...SAFER_PREFS, ...(options.safest ? { 'javascript.enabled': false } : {}), ...socks },
  });
}

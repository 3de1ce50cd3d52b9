import { readOnionKeyFile, registerOnionClientKey } from '../tor/onion-client-auth.ts';
import { ExitStatus } from './exit-status.ts';
import { textOption } from './option-spec.ts';

/** `client` and `health`: a client-authorization key, registered on the user's own tor before connecting. */
export const ONION_KEY_OPTIONS = {
  'onion-key': textOption('FILE', { default: undefined, description: 'an onion client-authorization key file (from `operator onion-key`), registered on your tor before connecting' }),
  'tor-control': textOption('HOST:PORT|PATH', {
    default: undefined, description: 'your tor\'s control port or socket, where --onion-key is registered', expects: 'HOST:PORT or a socket path', requires: { option: 'onion-key' },
  }),
  'tor-password': textOption('PASSWORD', { default: undefined, description: 'your tor\'s control-port password', secret: true, requires: { option: 'onion-key' } }),
} as const;

interface OnionKeyValues {
  readonly 'onion-key': string | undefined;
  readonly 'tor-control': string | undefined;
  readonly 'tor-password': string | undefined;
}

/**
 * Registers the `--onion-key` given, if any. When it cannot: a one-line reason, with status 2
 * for a bad key file or missing `--tor-control`, 1 when the user's tor refuses or is unreachable.
 */
export async function registerOnionKey(values: OnionKeyValues, serverHost: string): Promise<{ reason: string; status: number } | undefined> {
  const file = values['onion-key'];
  if (file === undefined) return undefined;
  const control = values['tor-control'];
  if (control === undefined) return { reason: '--onion-key needs --tor-control HOST:PORT (your tor\'s control port), to hand the key to your tor', status: ExitStatus.usage };
  let credential;
  try {
    credential = await readOnionKeyFile(file, serverHost);
  } catch (error) {
    return { reason: (error as Error).message, status: ExitStatus.usage };
  }
  try {
    await registerOnionClientKey(control, values['tor-password'], credential);
    return undefined;
  } catch (error) {
    return { reason: (error as Error).message, status: ExitStatus.failed };
  }
}

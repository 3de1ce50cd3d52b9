import { readOnionKeyFile, registerOnionClientKey } from '../tor/onion-client-auth.ts';
import { ExitStatus } from './exit-status.ts';
import { textOption } from './option-parser.ts';

/** `client` and `health`: a client-authorization key, registered on the user's own tor before connecting. */
export const ONION_KEY_OPTIONS = [
  textOption('onion-key', undefined, 'a file from `operator onion-key`'),
  textOption('tor-control', undefined, 'HOST:PORT or a socket path of your tor'),
  textOption('tor-password', undefined, 'a non-empty value', undefined, true),
];

/**
 * Registers the `--onion-key` given, if any. When it cannot: a one-line reason, with status 2
 * for a bad key file or missing `--tor-control`, 1 when the user's tor refuses or is unreachable.
 */
export async function registerOnionKey(values: ReadonlyMap<string, unknown>, serverHost: string): Promise<{ reason: string; status: number } | undefined> {
  const file = values.get('onion-key') as string | undefined;
  if (file === undefined) return undefined;
  const control = values.get('tor-control') as string | undefined;
  if (control === undefined) return { reason: '--onion-key needs --tor-control HOST:PORT (your tor\'s control port), to hand the key to your tor', status: ExitStatus.usage };
  let credential;
  try {
    credential = await readOnionKeyFile(file, serverHost);
  } catch (error) {
    return { reason: (error as Error).message, status: ExitStatus.usage };
  }
  try {
    await registerOnionClientKey(control, values.get('tor-password') as string | undefined, credential);
    return undefined;
  } catch (error) {
    return { reason: (error as Error).message, status: ExitStatus.failed };
  }
}

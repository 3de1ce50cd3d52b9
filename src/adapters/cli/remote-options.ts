import { isOperatorName } from '../../domain/names.ts';
import { parseProxyUrl } from '../tor/connect-through.ts';
import { ONION_KEY_OPTIONS } from './onion-key-option.ts';
import { defineCommand, endpointOption, flagOption, textOption } from './option-spec.ts';

/** Where `health`, `client` and `bench` find a server, and the SOCKS proxy (Tor) on the way. */
export const REMOTE_OPTIONS = {
  server: endpointOption({ default: '127.0.0.1:7770', description: 'the server to reach' }),
  proxy: textOption('socks5://HOST:PORT', {
    default: undefined, description: 'reach the server through this SOCKS5 proxy (Tor\'s SocksPort); needed for .onion addresses',
    expects: 'socks5://HOST:PORT', valid: isProxyUrl, secret: true,
  }),
} as const;

function isProxyUrl(raw: string): boolean {
  try {
    parseProxyUrl(raw);
    return true;
  } catch {
    return false;
  }
}

export const HEALTH_COMMAND = defineCommand({
  name: 'health',
  usage: 'health [options]',
  summary: 'Exits 0 when the server says hello and answers a ping within 5 s (20 s through a proxy), 1 otherwise (also while its onion is down).',
  environment: true,
  options: { ...REMOTE_OPTIONS, ...ONION_KEY_OPTIONS },
});

const KEYS_DIR = textOption('DIR', { default: undefined, description: 'where the client keeps its keys (default: one directory per server id and name)' });

export const CLIENT_COMMAND = defineCommand({
  name: 'client',
  usage: 'client NAME [options]',
  summary: 'The interactive terminal client, logged in as NAME.',
  environment: true,
  options: {
    ...REMOTE_OPTIONS,
    ...ONION_KEY_OPTIONS,
    'keys-dir': KEYS_DIR,
    'encrypt-keys': flagOption('keep the identity\'s secret keys encrypted under a passphrase (scrypt, XChaCha20-Poly1305) from now on'),
  },
  notes: [
    'The password comes from LITSXG_PASSWORD, else from a prompt (or the first line of input when it is not a terminal).',
    'An encrypted key store\'s passphrase comes from LITSXG_KEY_PASSPHRASE, else from a prompt on a terminal.',
  ],
});

export const SEND_COMMAND = defineCommand({
  name: 'send',
  usage: 'send NAME|#GROUP [TEXT] --from NAME [options]',
  summary: 'Sends one message end-to-end encrypted, as the client would, and exits 0 once the server has accepted it (1 with the reason if not).',
  environment: true,
  options: {
    from: textOption('NAME', { default: undefined, description: 'the operator to send as: the key store an earlier `litsxg client NAME` made logs in (required)', expects: 'an operator name', valid: isOperatorName }),
    ...REMOTE_OPTIONS,
    ...ONION_KEY_OPTIONS,
    'keys-dir': KEYS_DIR,
  },
  notes: [
    'Without TEXT, standard input to its end is the message (one message, its lines kept).',
    'No password is read: run `litsxg client NAME` once first, which makes the key store (and the device) this logs in with.',
    'Nothing is written to standard output but what arrives for NAME meanwhile, shown as the client shows it; a failure is one line on standard error.',
    'Gives up after 60 s without the server\'s answer (120 s through a proxy). Not while `litsxg client NAME` runs with the same key store: the server lets one session of a device in at a time.',
    'An encrypted key store\'s passphrase comes from LITSXG_KEY_PASSPHRASE.',
  ],
});

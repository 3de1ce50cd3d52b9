import { endpointOption, textOption } from './option-parser.ts';

/** Where `health`, `client` and `bench` find a server, and the SOCKS proxy (Tor) on the way. */
export const SERVER_OPTION = endpointOption('server', '127.0.0.1:7770');
export const PROXY_OPTION = textOption('proxy', undefined, 'socks5://HOST:PORT', (raw) => /^socks5h?:\/\//.test(raw));

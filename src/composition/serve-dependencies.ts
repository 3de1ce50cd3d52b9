/** What `serve` needs beyond option parsing, loaded in one go once the options are known good. */
export { CredentialStoreError } from '../adapters/kysely/credential-store-error.ts';
export { DataDirectoryError } from '../adapters/system/data-directory.ts';
export { ListenError } from '../adapters/tcp/listen-error.ts';
export { TorControlError } from '../adapters/tor/tor-control-error.ts';
export { startServer } from './start-server.ts';

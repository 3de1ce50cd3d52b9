import { token } from '../../ports/token.ts';

/** `serve --web`: where the web client's listener binds, what it serves, and whom it lets in. */
export interface WebOptions {
  readonly host: string;
  /** A port of its own, so TCP's listener never looks at what arrives for HTTP (docs/protocol.md "Web client"). */
  readonly port: number;
  /** The built app (dist/web): index.html and the files it names. */
  readonly appDirectory: string;
  /** Origins let in besides the onion's and the listener's own (`--web-origin`, for a tor the server does not drive). */
  readonly origins: readonly string[];
  /** `--max-connections`: sockets the web listener holds at most, pages and WebSockets together (file descriptors are finite). */
  readonly maxConnections: number;
}
export const WebOptions = token<WebOptions>('WebOptions');

/** The onion's address once published (`serve --onion`), read at each upgrade: it is known only after listening. */
export interface OnionAddress {
  readonly address: string | undefined;
}
export const OnionAddress = token<OnionAddress>('OnionAddress');

import type { BootId } from '../ports/boot-id.ts';
import type { OnionStatus } from '../ports/onion-status.ts';
import type { OutboundFrame } from './frames.ts';

/** What identifies the server in `hello`, besides the connection's own challenge. */
export interface HelloSource {
  readonly registration: 'open' | 'closed';
  readonly serverId: string;
  readonly boot: BootId;
  /** Set when the server publishes an onion: `hello` then says whether it is up. */
  readonly onion?: OnionStatus | undefined;
}

/**
 * PROTOCOL "Session" 1, with the compatible extensions of docs/protocol.md ("Keys", "Onion",
 * "Restarts"): fields a client that does not know them ignores.
 */
export function helloFrame(source: HelloSource, challenge: string): OutboundFrame {
  const hello: OutboundFrame = {
    op: 'hello', server: 'litsxg', protocol: 1, registration: source.registration,
    features: ['keys', 'devices', 'groups'], server_id: source.serverId, boot_id: source.boot.id, challenge,
  };
  return source.onion === undefined ? hello : { ...hello, onion: source.onion.onion };
}

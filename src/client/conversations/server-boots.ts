import type { ServerFrame } from './frame-link.ts';

/**
 * The boot id each server said in `hello`, by `server_id` (docs/protocol.md "Restarts"): a
 * server that comes back with a new one may have lost what was queued, and what this client sent
 * without a receipt is due to go again. A server sending neither id (an older one) is never
 * thought restarted. The terminal keeps them in memory; the browser in its sealed store, since
 * logging in again there is a new page.
 */
export class ServerBoots {
  private readonly seen: Map<string, string>;
  private due = false;

  constructor(known: Readonly<Record<string, string>> = {}) {
    this.seen = new Map(Object.entries(known));
  }

  /** Notes the hello of a connection that logged in. */
  loggedIn(hello: Extract<ServerFrame, { op: 'hello' }> | undefined): void {
    const { server_id: server, boot_id: boot } = (hello ?? {}) as Partial<Record<string, unknown>>;
    if (typeof server !== 'string' || typeof boot !== 'string') return;
    const before = this.seen.get(server);
    this.seen.set(server, boot);
    if (before !== undefined && before !== boot) this.due = true;
  }

  /** True once after a restart was seen: the re-sending is the caller's from then on. */
  takeResend(): boolean {
    const due = this.due;
    this.due = false;
    return due;
  }

  /** Each server's last boot id, to be kept. */
  known(): Record<string, string> {
    return Object.fromEntries(this.seen);
  }
}

import type { ConversationStore } from '../conversations/conversation-store.ts';
import type { ServerFrame } from '../conversations/frame-link.ts';
import { ServerBoots } from '../conversations/server-boots.ts';

const BOOTS = 'boots';

/**
 * docs/protocol.md "Restarts", in the browser: each server's last boot id is kept in the sealed
 * store (logging in again is a new page, so memory would not do). When this login's `hello`
 * says the server restarted since, `resend` runs (what it lost goes again), and only once it is
 * done is the new boot id kept: a round a lost connection cut short is tried again next login.
 */
export async function afterRestart(store: ConversationStore, hello: Extract<ServerFrame, { op: 'hello' }> | undefined, resend: () => Promise<void>): Promise<void> {
  const kept = await store.get(BOOTS);
  const boots = new ServerBoots(kept === undefined ? {} : JSON.parse(new TextDecoder().decode(kept)) as Record<string, string>);
  boots.loggedIn(hello);
  if (boots.takeResend()) await resend();
  await store.put(BOOTS, new TextEncoder().encode(JSON.stringify(boots.known())));
}

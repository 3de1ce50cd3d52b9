import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { MemoryConversationStore } from '../src/client/conversations/conversation-store.ts';
import { approve, pendingDevice } from '../src/client/device-approval.ts';
import type { PendingListing } from '../src/client/device-approval.ts';
import { toBase64 } from '../src/client/e2e/base64.ts';
import type { Pin } from '../src/client/trust/key-trust.ts';
import { BrowserKeys } from '../src/client/web/browser-keys.ts';

/**
 * `npx tsx bench/grant-size.ts`: the size of a `grant1.` send body (docs/protocol.md "Approval")
 * with N pins of the approving device, and how many of them fit, for short names without
 * devices and the longest names with two trusted devices each.
 */
const key = () => ({ agreement: toBase64(x25519.getPublicKey(x25519.utils.randomSecretKey())), signing: toBase64(ed25519.getPublicKey(ed25519.utils.randomSecretKey())) });
const approver = await BrowserKeys.open(new MemoryConversationStore());
const laptop = await BrowserKeys.open(new MemoryConversationStore());
const listing = pendingDevice(laptop, 'alice', 'k3v9q2xa0b').frame as unknown as PendingListing;
for (const [label, nameLength, devices] of [['8-character names, no devices', 8, 0], ['32-character names, 2 devices', 32, 2]] as const) {
  for (const count of [0, 10, 50, 100]) {
    const pins = new Map<string, Pin>();
    for (let i = 0; i < count; i++) {
      const trusted = devices === 0 ? {} : { devices: Array.from({ length: devices }, (_, d) => `device${d}`.padEnd(10, 'x')) };
      pins.set(String(i).padStart(nameLength, 'n'), { identity: key(), verified: i % 2 === 0, ...trusted });
    }
    const { grant, carried, dropped } = approve('alice', approver.identity, listing, { pin: (name) => pins.get(name), pinnedNames: () => [...pins.keys()] });
    console.log(`${label}, ${count} pins: ${grant.length} bytes, ${carried} carried, ${dropped} dropped`);
  }
}

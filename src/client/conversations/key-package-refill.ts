import type { KeyPackages } from './key-packages.ts';
import type { Requests } from './requests.ts';

/** Below this many unused one-time key packages the device publishes more (docs/protocol.md "Key packages"). */
const KEY_PACKAGES_LOW = 10;
const KEY_PACKAGES_BATCH = 40;
/** X-Wing packages are 3.7 KB each, against the 64 KiB frame limit. */
const PACKAGES_PER_FRAME = 12;

/** Publishes new one-time packages (and a last resort if none is held) when this device runs low. */
export async function refillKeyPackages(keyPackages: KeyPackages, requests: Requests): Promise<void> {
  const held = await keyPackages.unused();
  if (held.oneTime >= KEY_PACKAGES_LOW && held.lastResort) return;
  const packages = await keyPackages.create(KEY_PACKAGES_BATCH - held.oneTime);
  const lastResort = held.lastResort ? undefined : (await keyPackages.create(1, true))[0];
  for (let start = 0; start < packages.length; start += PACKAGES_PER_FRAME) {
    const frame = { op: 'publish_key_packages' as const, packages: packages.slice(start, start + PACKAGES_PER_FRAME) };
    await requests.ask(start === 0 && lastResort !== undefined ? { ...frame, last_resort: lastResort } : frame);
  }
}

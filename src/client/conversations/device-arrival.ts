import type { ServerFrame } from './frame-link.ts';
import type { Requests } from './requests.ts';

/**
 * Waits (up to `waitMs`, asking every `pollMs`) until the operator's own device `device` has
 * published key packages, as `fetch_devices` counts them to the operator (docs/protocol.md
 * "Devices and key packages"): nothing is fetched, so the new device's one-time packages are not
 * used up by the waiting. False when it has not by then.
 */
export async function keyPackagesPublished(requests: Requests, name: string, device: string, waitMs: number, pollMs: number): Promise<boolean> {
  for (let waited = 0; ; waited += pollMs) {
    const answer = await requests.ask<Extract<ServerFrame, { op: 'devices' }>>({ op: 'fetch_devices', name });
    if (answer.devices.some((d) => d.device === device && ((d as { key_packages?: number }).key_packages ?? 0) > 0)) return true;
    if (waited >= waitMs) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

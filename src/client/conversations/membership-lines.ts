import type { DeviceRef } from './device-credential.ts';
import { mailboxOf } from './device-credential.ts';
import type { MembershipChange } from './group-members.ts';

/**
 * How a membership change reads on every member's screen, the committer's own included, the
 * same in the terminal and the browser: `alice added carol`, `alice removed carol`, `carol left`.
 * An operator still in the conversation afterwards gained or lost a device, named as such.
 */
export function membershipLines(change: MembershipChange): string[] {
  const who = change.by?.name ?? 'someone';
  const stays = (name: string, devices: readonly DeviceRef[]) => {
    const these = new Set(devices.map(mailboxOf));
    return change.members.some((m) => m.name === name && !these.has(mailboxOf(m)));
  };
  const lines: string[] = [];
  const each = (devices: readonly DeviceRef[], whole: (name: string) => string, one: (device: DeviceRef) => string) => {
    for (const [name, theirs] of byName(devices)) {
      if (stays(name, devices)) lines.push(...theirs.map(one));
      else lines.push(whole(name));
    }
  };
  each(change.added, (name) => `${who} added ${name}`, (d) => `${who} added ${d.name}'s device ${d.device}`);
  each(change.removed, (name) => `${who} removed ${name}`, (d) => `${who} removed ${d.name}'s device ${d.device}`);
  each(change.left, (name) => `${name} left`, (d) => `${d.name}'s device ${d.device} left`);
  return lines;
}

function byName(devices: readonly DeviceRef[]): Map<string, DeviceRef[]> {
  const grouped = new Map<string, DeviceRef[]>();
  for (const device of devices) grouped.set(device.name, [...(grouped.get(device.name) ?? []), device]);
  return grouped;
}

import { isDeviceId } from './devices.ts';
import type { DeviceId } from './devices.ts';
import { isOperatorName } from './names.ts';
import type { OperatorName } from './names.ts';

/**
 * Where a session's queue lives and what presence keys on (docs/protocol.md "Devices and key
 * packages"): an operator name (`alice`) for a password session, `name/device`
 * (`alice/k3v9q2xa0b`) for a device's. Buffer, presence and routing treat it as an opaque string.
 */
export type Mailbox = string;

export function isMailbox(value: unknown): value is Mailbox {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  if (slash < 0) return isOperatorName(value);
  return isOperatorName(value.slice(0, slash)) && isDeviceId(value.slice(slash + 1));
}

export function mailboxOf(name: OperatorName, device: DeviceId | undefined): Mailbox {
  return device === undefined ? name : `${name}/${device}`;
}

/** The operator a mailbox belongs to (`who` lists operators, not mailboxes). */
export function operatorOf(mailbox: Mailbox): OperatorName {
  const slash = mailbox.indexOf('/');
  return slash < 0 ? mailbox : mailbox.slice(0, slash);
}

import { isOperatorName } from './names.ts';
import type { OperatorName } from './names.ts';

/**
 * Where a session's queue lives (shared design "Names"): an operator name (`alice`), or a
 * device's `name/device` (`alice/k3v9q2xa0b`). Buffer, presence and routing treat it as an
 * opaque string.
 */
export type Mailbox = string;

/** A device id: `^[a-z0-9]{4,16}$`. */
const DEVICE = /^[a-z0-9]{4,16}$/;

export function isMailbox(value: unknown): value is Mailbox {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  if (slash < 0) return isOperatorName(value);
  return isOperatorName(value.slice(0, slash)) && DEVICE.test(value.slice(slash + 1));
}

/** The operator a mailbox belongs to. */
export function operatorOf(mailbox: Mailbox): OperatorName {
  const slash = mailbox.indexOf('/');
  return slash < 0 ? mailbox : mailbox.slice(0, slash);
}

import type { ConversationEvent } from './conversation-events.ts';
import type { GroupReceipt } from './group-receipts.ts';
import type { MissedChange } from './missed-changes.ts';
import type { HoldNotice } from './trust-holds.ts';

/** What the person sees (ConversationService): the core's events, and what became of what they sent. */
export type ServiceEvent =
  | Exclude<ConversationEvent, { kind: 'untrusted' | 'text' | 'behind' }>
  /** `newDevice`: from a verified contact's device `/trust` has not taken yet. */
  | (Extract<ConversationEvent, { kind: 'text' }> & { newDevice?: boolean })
  | ({ kind: 'receipt' } & GroupReceipt)
  /** The device `by` (a mailbox) acknowledged its welcome to `group` unopened: it is not in the conversation. */
  | { kind: 'invitation-unopened'; group: string; by: string }
  /** Said loudly: a contact's identity changed (their devices were reset), or a verified one has a new device. */
  | HoldNotice
  /** A delivery from `from` kept, unprocessed and unacknowledged, until `/trust` of `names` (empty: it follows a held one). */
  | { kind: 'held'; from: string; names: string[] }
  /** Messages have waited a while for a commit this device missed. */
  | MissedChange;

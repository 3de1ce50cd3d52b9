import { withRef } from './frames.ts';
import type { InboundFrame } from './frames.ts';
import { isPublicKey } from './identity-keys.ts';
import { isMailbox } from './mailbox.ts';
import type { Mailbox } from './mailbox.ts';
import type { RouteOutcome } from './router.ts';

/** A handshake body: given in the frame, or named as an upload held by the connection. */
export type HandshakeBody = { readonly text: string } | { readonly upload: string };

/** docs/protocol.md "Groups": what a client sends, once validated. */
export type GroupInboundFrame =
  | { op: 'group_commit'; body: HandshakeBody; members: Mailbox[]; welcome?: HandshakeBody; ref?: string }
  | { op: 'group_send'; body: string; ref?: string }
  | { op: 'group_info'; group: string; ref?: string }
  /** docs/protocol.md "Groups", after a relay restart: a commit of a past epoch again, to the mailboxes that may have lost it. */
  | { op: 'group_resend'; body: HandshakeBody; to: Mailbox[]; ref?: string }
  | { op: 'upload'; upload: string; data: string; more: boolean; ref?: string };

/** One copy of a message fanned out (a group's, or a send to a name with devices): queued for `to` under `id`, or refused. */
export type GroupCopy = { to: Mailbox; id: string; status: 'delivered' | 'queued' } | { to: Mailbox; code: 'queue_full' };

/** The copies an answer lists, one for each of `recipients`, from what routing each one came to. */
export function copiesOf(recipients: readonly Mailbox[], outcomes: readonly RouteOutcome[]): GroupCopy[] {
  return outcomes.map((outcome, i) => (outcome.ok ? { to: recipients[i]!, id: outcome.id, status: outcome.status } : { to: recipients[i]!, code: 'queue_full' }));
}

export type GroupOutboundFrame =
  /**
   * `id` and `status` of the first copy queued (none: no copy was wanted); `delivered` when every copy was. For a
   * `send` to a name with devices, the name's own copy's, or the first accepted one's (docs/protocol.md "Sending to a name with devices").
   */
  | { op: 'sent'; ref?: string; id?: string; status: 'delivered' | 'queued'; copies: GroupCopy[] }
  | { op: 'committed'; ref?: string; group: string; epoch: number; copies: GroupCopy[] }
  | { op: 'group'; ref?: string; group: string; epoch: number; members: Mailbox[]; committer?: Mailbox }
  | { op: 'uploaded'; ref?: string; upload: string; bytes: number };

/** docs/protocol.md "Groups": members a group may have. */
export const MAX_GROUP_MEMBERS = 256;
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,16}$/;
const GROUP = 'expected a 32-byte group id in padded base64';
const MAILBOX = 'expected a mailbox (an operator name, or NAME/DEVICE with a device id of 4 to 16 of a-z 0-9)';

type Fields = Record<string, unknown>;
type Validator = (fields: Fields, ref: string | undefined) => InboundFrame | string;

/** A group id (shared design "Names"): 32 bytes, canonical padded base64, the shape of a public key. */
export const isGroupId = isPublicKey;

function handshakeBody(fields: Fields, field: 'body' | 'welcome'): HandshakeBody | string | undefined {
  const text = fields[field];
  const upload = fields[`${field}_upload`];
  if (text !== undefined && upload !== undefined) return `${field}: expected ${field} or ${field}_upload, not both`;
  if (upload !== undefined) return typeof upload === 'string' && UPLOAD_ID.test(upload) ? { upload } : `${field}_upload: expected an upload id`;
  if (text === undefined) return undefined;
  return typeof text === 'string' && text.length > 0 ? { text } : `${field}: expected a non-empty string`;
}

function mailboxes(value: unknown, field: 'members' | 'to'): Mailbox[] | string {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_GROUP_MEMBERS || !value.every(isMailbox)) {
    return `${field}: expected 1 to ${MAX_GROUP_MEMBERS} mailboxes, each ${MAILBOX}`;
  }
  if (new Set(value).size !== value.length) return `${field}: expected each mailbox once`;
  return value;
}

/** Joined into the frame decoder's table (PROTOCOL "Framing": a known op with wrong fields is `invalid`). */
export const GROUP_VALIDATORS: readonly (readonly [string, Validator])[] = [
  ['group_commit', (fields, ref) => {
    const body = handshakeBody(fields, 'body');
    if (body === undefined) return 'body: expected an MLS commit, or body_upload';
    if (typeof body === 'string') return body;
    const welcome = handshakeBody(fields, 'welcome');
    if (typeof welcome === 'string') return welcome;
    const list = mailboxes(fields.members, 'members');
    if (typeof list === 'string') return list;
    const frame: InboundFrame = { op: 'group_commit', body, members: list };
    if (welcome !== undefined) frame.welcome = welcome;
    return withRef(frame, ref);
  }],
  ['group_send', ({ body }, ref) => {
    if (typeof body !== 'string' || body.length === 0) return 'body: expected a non-empty string';
    return withRef<InboundFrame>({ op: 'group_send', body }, ref);
  }],
  ['group_resend', (fields, ref) => {
    const body = handshakeBody(fields, 'body');
    if (body === undefined) return 'body: expected an MLS commit, or body_upload';
    if (typeof body === 'string') return body;
    const to = mailboxes(fields.to, 'to');
    return typeof to === 'string' ? to : withRef<InboundFrame>({ op: 'group_resend', body, to }, ref);
  }],
  ['group_info', ({ group }, ref) => (isGroupId(group) ? withRef<InboundFrame>({ op: 'group_info', group }, ref) : `group: ${GROUP}`)],
  ['upload', ({ upload, data, more }, ref) => {
    if (typeof upload !== 'string' || !UPLOAD_ID.test(upload)) return 'upload: expected 1 to 16 of A-Z a-z 0-9 _ -';
    if (typeof data !== 'string') return 'data: expected a string';
    if (typeof more !== 'boolean') return 'more: expected true or false';
    return withRef<InboundFrame>({ op: 'upload', upload, data, more }, ref);
  }],
];

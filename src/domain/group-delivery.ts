import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { GroupDirectory, GroupRoute } from '../ports/group-directory.ts';
import type { Awaitable } from './awaitable.ts';
import type { ErrorCode } from './errors.ts';
import type { ExistingMailboxes } from './existing-mailboxes.ts';
import { errorFrame, withRef } from './frames.ts';
import type { OutboundFrame } from './frames.ts';
import { copiesOf, isGroupId } from './group-frames.ts';
import type { GroupInboundFrame, HandshakeBody } from './group-frames.ts';
import { GroupRoutes } from './group-routes.ts';
import { HandshakeUploads } from './handshake-uploads.ts';
import type { Mailbox } from './mailbox.ts';
import { parseMlsFraming } from './mls-framing.ts';
import type { ContentType } from './mls-framing.ts';
import type { RelayConfig } from './relay-config.ts';
import type { Router } from './router.ts';
import type { ConnectionId, Session } from './session.ts';
import { utf8ByteLength } from './text.ts';

/** A group message's framing, once checked: which group, at which epoch. */
interface GroupMessage {
  readonly group: string;
  readonly epoch: number;
}

/** A refusal, answered as an error frame. */
interface Refusal {
  readonly code: ErrorCode;
  readonly message?: string;
  readonly retryAfterMs?: number;
  readonly epoch?: number;
}

const isRefusal = (value: object): value is Refusal => 'code' in value;

/**
 * docs/protocol.md "Groups": the relay as MLS delivery service. It reads an MLS message's
 * framing (group, epoch, content type) and nothing else, keeps who is in each group, and fans
 * each group frame out through the Router as ordinary queued messages.
 */
export class GroupDelivery {
  private readonly routes: GroupRoutes;
  private readonly uploads: HandshakeUploads;

  constructor(
    private readonly router: Router,
    private readonly directory: GroupDirectory,
    private readonly mailboxes: ExistingMailboxes,
    private readonly gateway: ConnectionGateway,
    private readonly config: RelayConfig,
  ) {
    this.routes = new GroupRoutes(directory);
    this.uploads = new HandshakeUploads(config.maxHandshakeBytes);
  }

  handle(session: Session, frame: GroupInboundFrame): Awaitable<void> {
    // A session's mailbox: its operator's name, or `name/device` for a device session.
    const mailbox: Mailbox = session.name!;
    switch (frame.op) {
      case 'group_send':
        return this.send(session.id, mailbox, frame);
      case 'group_commit':
        return this.commit(session.id, mailbox, frame);
      case 'group_info':
        return this.info(session.id, mailbox, frame);
      case 'group_resend':
        return this.resend(session.id, mailbox, frame);
      case 'upload': {
        const outcome = this.uploads.append(session.id, frame.upload, frame.data, frame.more);
        if (!outcome.ok) return this.refuse(session.id, frame.ref, outcome);
        this.answer(session.id, { op: 'uploaded', upload: frame.upload, bytes: outcome.bytes }, frame.ref);
      }
    }
  }

  /** The connection closed: its uploads go. */
  release(connection: ConnectionId): void {
    this.uploads.release(connection);
  }

  private async send(connection: ConnectionId, from: Mailbox, frame: GroupInboundFrame & { op: 'group_send' }): Promise<void> {
    const wait = await this.router.frameWait(from);
    if (wait > 0) return this.refuse(connection, frame.ref, { code: 'rate_limited', retryAfterMs: wait });
    const bytes = utf8ByteLength(frame.body);
    if (bytes > this.config.maxBodyBytes) return this.refuse(connection, frame.ref, { code: 'body_too_large' });
    const message = groupMessage(frame.body, 'body', ['application', 'proposal'], 'an MLS application message or proposal (commits go by group_commit)');
    if (isRefusal(message)) return this.refuse(connection, frame.ref, message);
    const route = await this.routes.at(message.group, message.epoch);
    const refusal = memberRefusal(route, from, message.epoch);
    if (refusal !== undefined) return this.refuse(connection, frame.ref, refusal);
    return this.fanOut(connection, from, others(route!.members, from), frame.body, bytes, frame.ref);
  }

  /**
   * A commit of an epoch the group has passed, again, to mailboxes its sender names (members a
   * restart of the buffer may have robbed of it; removed ones too, so the relay checks only that
   * each is an operator's). From a member only, through uploads as `group_commit`.
   */
  private async resend(connection: ConnectionId, from: Mailbox, frame: GroupInboundFrame & { op: 'group_resend' }): Promise<void> {
    const body = this.bodyOf(connection, frame.body, 'body');
    const wait = await this.router.frameWait(from);
    if (wait > 0) return this.refuse(connection, frame.ref, { code: 'rate_limited', retryAfterMs: wait });
    if (typeof body !== 'string') return this.refuse(connection, frame.ref, body);
    const message = groupMessage(body, 'body', ['commit'], 'an MLS commit');
    if (isRefusal(message)) return this.refuse(connection, frame.ref, message);
    const route = await this.routes.read(message.group);
    if (route === undefined || !route.members.includes(from)) return this.refuse(connection, frame.ref, { code: 'no_such_group' });
    if (message.epoch >= route.epoch) return this.invalid(connection, frame.ref, 'body', 'a commit of an epoch the group has passed (a new one goes by group_commit)');
    if (!(await this.mailboxes.allExist(frame.to))) return this.refuse(connection, frame.ref, { code: 'no_such_recipient' });
    return this.fanOut(connection, from, others(frame.to, from), body, utf8ByteLength(body), frame.ref);
  }

  /** One copy of `body` for each recipient, answered `sent` with the copies; `queue_full` when none could be queued. */
  private async fanOut(connection: ConnectionId, from: Mailbox, recipients: Mailbox[], body: string, bytes: number, ref: string | undefined): Promise<void> {
    const outcomes = await this.router.copies(from, recipients, body, bytes);
    if (outcomes.length > 0 && outcomes.every((outcome) => !outcome.ok)) return this.refuse(connection, ref, { code: 'queue_full' });
    const copies = copiesOf(recipients, outcomes);
    const first = copies.find((copy) => 'id' in copy);
    const status = copies.every((copy) => 'id' in copy && copy.status === 'delivered') ? 'delivered' : 'queued';
    const answer: OutboundFrame = { op: 'sent', status, copies };
    if (first !== undefined && 'id' in first) answer.id = first.id;
    this.answer(connection, answer, ref);
  }

  private async commit(connection: ConnectionId, committer: Mailbox, frame: GroupInboundFrame & { op: 'group_commit' }): Promise<void> {
    // Named uploads are used up by the commit, whatever its outcome.
    const body = this.bodyOf(connection, frame.body, 'body');
    const welcome = frame.welcome === undefined ? undefined : this.bodyOf(connection, frame.welcome, 'welcome');
    const wait = await this.router.frameWait(committer);
    if (wait > 0) return this.refuse(connection, frame.ref, { code: 'rate_limited', retryAfterMs: wait });
    if (typeof body !== 'string') return this.refuse(connection, frame.ref, body);
    if (welcome !== undefined && typeof welcome !== 'string') return this.refuse(connection, frame.ref, welcome);
    const message = groupMessage(body, 'body', ['commit'], 'an MLS commit');
    if (isRefusal(message)) return this.refuse(connection, frame.ref, message);
    if (welcome !== undefined) {
      const parsed = parseMlsFraming(welcome);
      if (!parsed.ok || parsed.framing.wireFormat !== 'welcome') return this.invalid(connection, frame.ref, 'welcome', 'an MLS Welcome');
    }
    if (!frame.members.includes(committer)) return this.invalid(connection, frame.ref, 'members', 'the committer\'s own mailbox among them');
    if (!(await this.mailboxes.allExist(frame.members))) return this.refuse(connection, frame.ref, { code: 'no_such_recipient' });
    const outcome = await this.directory.commit(message.group, message.epoch, committer, frame.members);
    if (!outcome.ok) {
      const refusal: Refusal = outcome.code === 'stale_epoch' ? { code: 'stale_epoch', epoch: outcome.current } : { code: 'no_such_group' };
      return this.refuse(connection, frame.ref, refusal);
    }
    const epoch = message.epoch + 1;
    this.routes.remember(message.group, { epoch, members: frame.members, committer });
    // The commit goes to every previous member, removed ones included (they learn they were); the welcome to the new ones.
    const informed = others(outcome.previous, committer);
    const joined = welcome === undefined ? [] : frame.members.filter((member) => !outcome.previous.includes(member));
    const [commitCopies, welcomeCopies] = await Promise.all([
      this.router.copies(committer, informed, body, utf8ByteLength(body)),
      welcome === undefined ? [] : this.router.copies(committer, joined, welcome, utf8ByteLength(welcome)),
    ]);
    const copies = [...copiesOf(informed, commitCopies), ...copiesOf(joined, welcomeCopies)];
    this.answer(connection, { op: 'committed', group: message.group, epoch, copies }, frame.ref);
  }

  /** A fresh read: a client that asks is finding its way back, so the database, not the cache, answers. */
  private async info(connection: ConnectionId, asker: Mailbox, frame: GroupInboundFrame & { op: 'group_info' }): Promise<void> {
    const route = await this.routes.read(frame.group);
    if (route === undefined || !route.members.includes(asker)) return this.refuse(connection, frame.ref, { code: 'no_such_group' });
    const answer: OutboundFrame = { op: 'group', group: frame.group, epoch: route.epoch, members: [...route.members] };
    // Whose commit made the epoch: a client that crashed before `committed` learns whether its own won.
    if (route.committer !== undefined) answer.committer = route.committer;
    this.answer(connection, answer, frame.ref);
  }

  /** A handshake body's text: given in the frame under the body limit, or a complete upload. */
  private bodyOf(connection: ConnectionId, body: HandshakeBody, field: 'body' | 'welcome'): string | Refusal {
    if ('upload' in body) {
      return this.uploads.take(connection, body.upload) ?? { code: 'invalid', message: `${field}_upload: expected a complete upload held by this connection` };
    }
    return utf8ByteLength(body.text) > this.config.maxBodyBytes ? { code: 'body_too_large' } : body.text;
  }

  private invalid(connection: ConnectionId, ref: string | undefined, field: string, expected: string): void {
    this.refuse(connection, ref, { code: 'invalid', message: `${field}: expected ${expected}` });
  }

  private refuse(connection: ConnectionId, ref: string | undefined, refusal: Refusal): void {
    const frame = errorFrame(refusal.code, ref, refusal.retryAfterMs, refusal.message);
    if (refusal.epoch !== undefined) frame.epoch = refusal.epoch;
    this.gateway.send(connection, frame);
  }

  private answer(connection: ConnectionId, frame: OutboundFrame, ref: string | undefined): void {
    this.gateway.send(connection, withRef(frame, ref));
  }
}

/** The framing of an MLS Public or PrivateMessage of one of `contentTypes`, or why not. */
function groupMessage(body: string, field: string, contentTypes: readonly ContentType[], expected: string): GroupMessage | Refusal {
  const parsed = parseMlsFraming(body);
  if (!parsed.ok) return { code: 'invalid', message: `${field}: ${parsed.reason}` };
  const framing = parsed.framing;
  if (framing.wireFormat !== 'public_message' && framing.wireFormat !== 'private_message' || !contentTypes.includes(framing.contentType)) {
    return { code: 'invalid', message: `${field}: expected ${expected}` };
  }
  // Shared design "Names": a group id is 32 bytes.
  if (!isGroupId(framing.group)) return { code: 'invalid', message: `${field}: expected a 32-byte group_id` };
  return { group: framing.group, epoch: framing.epoch };
}

/** Why `sender` may not send at `epoch`: an outsider learns nothing, a member the epoch. */
function memberRefusal(route: GroupRoute | undefined, sender: Mailbox, epoch: number): Refusal | undefined {
  if (route === undefined || !route.members.includes(sender)) return { code: 'no_such_group' };
  if (route.epoch !== epoch) return { code: 'stale_epoch', epoch: route.epoch };
  return undefined;
}

function others(members: readonly Mailbox[], self: Mailbox): Mailbox[] {
  return members.filter((member) => member !== self);
}

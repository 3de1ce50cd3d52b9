import type { ClientFrame, ServerFrame } from '../conversations/frame-link.ts';

/** PROTOCOL "Messages": what became of a message, as the terminal reports it. */
export type Delivery = 'sending' | 'queued' | 'delivered' | 'received' | { readonly refused: string };

export interface Entry {
  readonly from: string;
  readonly body: string;
  readonly ts: number;
  delivery?: Delivery;
  /** The mailboxes that acknowledged it without opening it (docs/protocol.md "Unreadable copies"). */
  unopened?: string[];
  /** The server's id, once `sent` (ours) or on delivery (theirs). */
  id?: string;
  /** Ours on MLS: the message id it goes under, again after a server restart (docs/protocol.md "Restarts"). */
  messageId?: string;
  /** Sent again after the server restarted. */
  resent?: boolean;
}

export interface Conversation {
  /** A name (plain text), or an MLS group's id (mls-conversations.ts). */
  readonly peer: string;
  /** What the list and the heading show, when not the peer's name: `bob`, `#ops`. */
  readonly title?: string;
  /** An MLS conversation's operators, shown under its heading. */
  members?: string;
  readonly entries: Entry[];
  unread: number;
}

export interface DirectMessagesEvents {
  /** A conversation changed (a new entry, or a delivery state). */
  changed(peer: string, entry: Entry, isNew: boolean): void;
}

/**
 * Plain direct text (`send` / `msg`) from a client without MLS, shown apart from the MLS
 * conversations; the conversation service takes the frames it knows first (docs/protocol.md
 * "Web client"). Deliveries are acknowledged at once: shown is received.
 */
export class DirectMessages {
  readonly conversations = new Map<string, Conversation>();
  private readonly byRef = new Map<string, { peer: string; entry: Entry }>();
  private readonly byId = new Map<string, Entry>();
  private nextRef = 0;

  /** `title`: how a name's plain conversation is listed beside MLS ones ("bob (not encrypted)"). */
  constructor(private readonly me: string, private readonly send: (frame: ClientFrame) => void, private readonly events: DirectMessagesEvents, private readonly title: (peer: string) => string) {}

  open(peer: string): Conversation {
    let conversation = this.conversations.get(peer);
    if (conversation === undefined) {
      conversation = { peer, entries: [], unread: 0, title: this.title(peer) };
      this.conversations.set(peer, conversation);
    }
    return conversation;
  }

  say(peer: string, body: string, now: number): void {
    const ref = `w-${++this.nextRef}`;
    const entry: Entry = { from: this.me, body, ts: now, delivery: 'sending' };
    this.open(peer).entries.push(entry);
    this.byRef.set(ref, { peer, entry });
    this.send({ op: 'send', to: peer, body, ref });
    this.events.changed(peer, entry, true);
  }

  /** True when the frame was one of these. */
  onFrame(frame: ServerFrame): boolean {
    switch (frame.op) {
      case 'msg': {
        const entry: Entry = { from: frame.from, body: frame.body, ts: frame.ts, id: frame.id };
        // A redelivery of one already shown (a reconnect) is acknowledged again, not shown twice.
        if (!this.byId.has(frame.id)) {
          this.byId.set(frame.id, entry);
          this.open(frame.from).entries.push(entry);
          this.events.changed(frame.from, entry, true);
        }
        this.send({ op: 'ack', ids: [frame.id] });
        return true;
      }
      case 'sent': {
        const { id, status } = frame;
        // A group send's answer (its copies) is the conversation service's.
        if (id === undefined) return false;
        return this.settle(frame.ref, (entry) => {
          entry.id = id;
          entry.delivery = status;
          this.byId.set(id, entry);
        });
      }
      case 'receipt': {
        const entry = this.byId.get(frame.id);
        if (entry === undefined) return true;
        if (frame.unreadable === true) unopened(entry, frame.to);
        else entry.delivery = 'received';
        this.events.changed(frame.to, entry, false);
        return true;
      }
      case 'error': {
        const refused = frame.message;
        return this.settle(frame.ref, (entry) => {
          entry.delivery = { refused };
        });
      }
      default:
        return false;
    }
  }

  private settle(ref: string | undefined, update: (entry: Entry) => void): boolean {
    const sent = ref === undefined ? undefined : this.byRef.get(ref);
    if (sent === undefined) return false;
    this.byRef.delete(ref!);
    update(sent.entry);
    this.events.changed(sent.peer, sent.entry, false);
    return true;
  }
}

/** A receipt flagged `unreadable`: `mailbox` acknowledged its copy without opening it; said once a mailbox. */
export function unopened(entry: Entry, mailbox: string): void {
  if (!(entry.unopened ?? []).includes(mailbox)) entry.unopened = [...entry.unopened ?? [], mailbox];
}

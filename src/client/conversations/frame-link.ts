import type { InboundFrame, OutboundFrame } from '../../domain/frames.ts';

/** docs/protocol.md "Groups": `group_commit` as it goes over the wire (the server's decoded form names its bodies). */
export interface GroupCommitFrame {
  op: 'group_commit';
  members: string[];
  body?: string;
  body_upload?: string;
  welcome?: string;
  welcome_upload?: string;
  ref?: string;
}

/** docs/protocol.md "Groups": `group_resend` as it goes over the wire. */
export interface GroupResendFrame {
  op: 'group_resend';
  to: string[];
  body?: string;
  body_upload?: string;
  ref?: string;
}

/** What a client sends: the server's own union, `group_commit` and `group_resend` in their wire form. */
export type ClientFrame = Exclude<InboundFrame, { op: 'group_commit' | 'group_resend' }> | GroupCommitFrame | GroupResendFrame;

/**
 * The conversation core's way to the relay: a TCP connection in the terminal, a WebSocket in the
 * browser (STYLE 10). Frames as PROTOCOL and docs/protocol.md say, one at a time, in order.
 */
export interface FrameLink {
  send(frame: ClientFrame): void;
}

export type ServerFrame = OutboundFrame;

/** docs/protocol.md "Unreadable copies": an ack, flagged when the copies could not be opened. */
export function ackFrame(ids: string[], unreadable = false): Extract<ClientFrame, { op: 'ack' }> {
  return unreadable ? { op: 'ack', ids, unreadable: true } : { op: 'ack', ids };
}

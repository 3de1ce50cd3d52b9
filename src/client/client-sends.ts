import type { InboundFrame } from '../domain/frames.ts';
import type { ServerFrame } from './client-frame-channel.ts';
import type { ClientLogin } from './client-login.ts';
import { ClientOutbox } from './client-outbox.ts';
import { LinkLost } from './conversations/requests.ts';
import { HeldForTrust } from './conversations/trusted-sending.ts';
import type { DeviceSessions, Target } from './device-sessions.ts';

/**
 * What the person sends, and what the screen says became of it (docs/client.md § The terminal client:
 * `#3 to bob: delivered`, then `✓ received`): on MLS when the conversation can go so, else as a
 * v1 envelope, each line returned for the session to show. What has no receipt yet goes again
 * when the server restarted and may have lost it (docs/protocol.md "Restarts").
 */
export class ClientSends {
  private readonly outbox = new ClientOutbox();

  constructor(
    private readonly devices: DeviceSessions,
    private readonly login: ClientLogin,
    private readonly say: (text: string) => void,
    /** Sends on the current connection; false when there is none. */
    private readonly post: (frame: InboundFrame) => boolean,
  ) {}

  async send(target: Target, text: string): Promise<void> {
    const ref = this.outbox.add('to' in target ? target.to : `#${target.group}`);
    try {
      const sent = await this.devices.say(target, text);
      if (sent === 'envelope') return await this.login.e2e!.send((target as { to: string }).to, text, ref);
      if (sent.id === undefined) {
        this.refused(ref, 'nobody else is in that conversation yet');
        return;
      }
      this.outbox.keep(ref, { kind: 'mls', group: sent.group, id: sent.messageId, text });
      for (const line of this.outbox.accepted(ref, sent.id, sent.status)) this.say(line);
    } catch (error) {
      this.notSent(ref, error);
    }
  }

  /** A frame the end-to-end layer sends: an envelope of ours is kept as it went, to go again unchanged. */
  sending(frame: InboundFrame): void {
    if (frame.op === 'send' && frame.ref !== undefined) this.outbox.keep(frame.ref, { kind: 'envelope', frame });
  }

  /**
   * The server restarted and may have lost them: every message without a receipt, in order,
   * again. A connection lost meanwhile ends the round; what it did not reach is kept.
   */
  async resendAfterRestart(): Promise<void> {
    await this.devices.resendHandshakes().catch((error: Error) => this.say(`! changes and invitations not sent again: ${error.message}`));
    for (const outgoing of this.outbox.toResend()) {
      const ref = this.outbox.again(outgoing);
      const resend = outgoing.resend!;
      if (resend.kind === 'envelope') {
        if (!this.post(resend.frame)) return;
        continue;
      }
      try {
        const sent = await this.devices.resend(resend.group, resend.text, resend.id);
        if (sent.id === undefined) this.refused(ref, 'nobody else is in that conversation any more');
        else for (const line of this.outbox.accepted(ref, sent.id, sent.status)) this.say(line);
      } catch (error) {
        if (error instanceof LinkLost) return;
        this.notSent(ref, error);
      }
    }
  }

  /** The relay's `sent` for an envelope or a plain text (its copies: docs/protocol.md "Devices and key packages"). */
  accepted(frame: Extract<ServerFrame, { op: 'sent' }>): void {
    for (const line of this.outbox.accepted(String(frame.ref), String(frame.id), String(frame.status), copyIds(frame))) this.say(line);
  }

  /** `unopenedBy`: the mailbox that acknowledged its copy unopened (docs/protocol.md "Unreadable copies"). */
  receipt(id: string, unopenedBy?: string): void {
    this.show(this.outbox.receipt(id, unopenedBy));
  }

  /** One of ours waits for `/trust` (the end-to-end layer said so). */
  held(ref: string): void {
    // The end-to-end layer said why; the outbox notes it is not awaited (and, for piped input, failed).
    this.outbox.held(ref, 'held, not sent, until /trust (the key changed)');
  }

  /** True when `ref` was one of ours, and its refusal is shown. */
  refused(ref: string, reason: string): boolean {
    const line = this.outbox.refused(ref, reason);
    this.show(line);
    return line !== undefined;
  }

  /** What input's end waits for (session-drain.ts), and what failed. */
  get outcome(): Pick<ClientOutbox, 'unanswered' | 'answered' | 'failures' | 'lastFailure'> {
    return this.outbox;
  }

  connectionLost(): void {
    for (const line of this.outbox.connectionLost()) this.say(line);
  }

  /** Held until `/trust` (docs/protocol.md "Holds": it goes then), or refused. */
  private notSent(ref: string, error: unknown): void {
    if (error instanceof HeldForTrust) this.show(this.outbox.held(ref, error.message));
    else this.refused(ref, (error as Error).message);
  }

  private show(line: string | undefined): void {
    if (line !== undefined) this.say(line);
  }
}

function copyIds(frame: Extract<ServerFrame, { op: 'sent' }>): string[] {
  const copies = (frame as { copies?: unknown }).copies;
  return Array.isArray(copies) ? copies.flatMap((copy: { id?: unknown }) => (typeof copy?.id === 'string' ? [copy.id] : [])) : [];
}

import type { ServerFrame } from './client-frame-channel.ts';
import type { ClientLogin } from './client-login.ts';
import { ClientOutbox } from './client-outbox.ts';
import { HeldForTrust } from './conversations/trusted-sending.ts';
import type { DeviceSessions, Target } from './device-sessions.ts';

/**
 * What the person sends, and what the screen says became of it (docs/client.md § The terminal client:
 * `#3 to bob: delivered`, then `✓ received`): on MLS when the conversation can go so, else as a
 * v1 envelope, each line returned for the session to show.
 */
export class ClientSends {
  private readonly outbox = new ClientOutbox();

  constructor(private readonly devices: DeviceSessions, private readonly login: ClientLogin, private readonly say: (text: string) => void) {}

  async send(target: Target, text: string): Promise<void> {
    const ref = this.outbox.add('to' in target ? target.to : `#${target.group}`);
    try {
      const sent = await this.devices.say(target, text);
      if (sent === 'envelope') return await this.login.e2e!.send((target as { to: string }).to, text, ref);
      if (sent.id === undefined) {
        this.refused(ref, 'nobody else is in that conversation yet');
        return;
      }
      for (const line of this.outbox.accepted(ref, sent.id, sent.status)) this.say(line);
    } catch (error) {
      if (error instanceof HeldForTrust) this.show(this.outbox.held(ref, error.message));
      else this.refused(ref, (error as Error).message);
    }
  }

  /** The relay's `sent` for an envelope or a plain text (its copies: docs/protocol.md "Devices and key packages"). */
  accepted(frame: Extract<ServerFrame, { op: 'sent' }>): void {
    for (const line of this.outbox.accepted(String(frame.ref), String(frame.id), String(frame.status), copyIds(frame))) this.say(line);
  }

  receipt(id: string): void {
    this.show(this.outbox.receipt(id));
  }

  /** True when `ref` was one of ours, and its refusal is shown. */
  refused(ref: string, reason: string): boolean {
    const line = this.outbox.refused(ref, reason);
    this.show(line);
    return line !== undefined;
  }

  connectionLost(): void {
    for (const line of this.outbox.connectionLost()) this.say(line);
  }

  private show(line: string | undefined): void {
    if (line !== undefined) this.say(line);
  }
}

function copyIds(frame: Extract<ServerFrame, { op: 'sent' }>): string[] {
  const copies = (frame as { copies?: unknown }).copies;
  return Array.isArray(copies) ? copies.flatMap((copy: { id?: unknown }) => (typeof copy?.id === 'string' ? [copy.id] : [])) : [];
}

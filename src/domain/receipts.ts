import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { Presence } from '../ports/presence.ts';
import type { SessionStore } from '../ports/session-store.ts';
import type { Awaitable } from './awaitable.ts';
import { whenResolved } from './awaitable.ts';
import type { DeviceMailboxes } from './device-mailboxes.ts';
import type { AcknowledgedMessage } from './messages.ts';
import type { OperatorName } from './names.ts';
import type { ConnectionId } from './session.ts';

/** PROTOCOL "Messages", receipt: once a recipient acknowledges, each sender still connected hears of it. */
export class Receipts {
  constructor(
    private readonly presence: Presence,
    private readonly gateway: ConnectionGateway,
    private readonly sessions: SessionStore,
    private readonly devices: DeviceMailboxes,
    /** docs/protocol.md "Unreadable copies": these receipts say the copies were acknowledged unopened. */
    private readonly unreadable: boolean,
  ) {}

  /** Receipts for `acknowledged` from `start` on; acks usually name one sender's messages in a row. */
  send(acknowledged: readonly AcknowledgedMessage[], recipient: OperatorName, start: number): Awaitable<void> {
    while (start < acknowledged.length) {
      const first = start;
      const from = acknowledged[first]!.from;
      while (start < acknowledged.length && acknowledged[start]!.from === from) start++;
      // A plain send from a device is `from` its operator: each of the operator's sessions hears of it.
      const devices = this.devices.of(from);
      if (devices !== undefined) return this.toDevices(devices, recipient, acknowledged, first, start);
      const sender = this.presence.lookup(from);
      if (sender instanceof Promise) return whenResolved(sender, this.sendThenRest, this, recipient, acknowledged, first, start);
      this.sendTo(sender, recipient, acknowledged, first, start);
    }
  }

  private async toDevices(mailboxes: readonly string[], recipient: OperatorName, acknowledged: readonly AcknowledgedMessage[], first: number, end: number): Promise<void> {
    for (const mailbox of mailboxes) this.sendTo(await this.presence.lookup(mailbox), recipient, acknowledged, first, end);
    await this.send(acknowledged, recipient, end);
  }

  private sendThenRest(
    sender: ConnectionId | undefined, recipient: OperatorName, acknowledged: readonly AcknowledgedMessage[], first: number, end: number,
  ): Awaitable<void> {
    this.sendTo(sender, recipient, acknowledged, first, end);
    return this.send(acknowledged, recipient, end);
  }

  private sendTo(
    sender: ConnectionId | undefined, recipient: OperatorName, acknowledged: readonly AcknowledgedMessage[], first: number, end: number,
  ): void {
    // Nothing may come between a welcome and its pending messages: a sender still logging in
    // here goes without (receipts are not queued). One on another instance is ready by then.
    if (sender === undefined || this.sessions.get(sender)?.ready === false) return;
    for (let i = first; i < end; i++) {
      const id = acknowledged[i]!.id;
      this.gateway.send(sender, this.unreadable ? { op: 'receipt', id, to: recipient, unreadable: true } : { op: 'receipt', id, to: recipient });
    }
  }
}

import type { ConversationService } from './conversations/conversation-service.ts';
import { keyPackagesPublished } from './conversations/device-arrival.ts';
import type { ServerFrame } from './conversations/frame-link.ts';
import { RelayRefusal } from './conversations/requests.ts';
import type { Requests } from './conversations/requests.ts';
import type { PendingListing } from './device-approval.ts';
import { approvalCode, approve, readApprovalCode } from './device-approval.ts';
import type { Identity } from './device-holder.ts';
import type { PinList } from './trust/granted-pins.ts';

/** How long an approving device waits for the new one to log in and publish key packages. */
const APPROVAL_WAIT_MS = 120_000;
const APPROVAL_POLL_MS = 3_000;

/** One of the operator's devices, as `fetch_devices` lists it. */
export interface DeviceListing {
  readonly device: string;
  readonly mine: boolean;
  readonly pending: boolean;
}

/**
 * docs/client.md § Devices: listing, approving and removing the operator's devices, from any device of
 * theirs. The terminal's `/devices` commands (mls-terminal.ts) and the browser's Devices panel
 * both drive this; it says what happened through `say`, in the terminal's words.
 */
export class DeviceManagement {
  constructor(
    private readonly service: ConversationService,
    private readonly requests: Requests,
    private readonly identity: () => Identity,
    /** What the grant carries to the new device (docs/protocol.md "Approval"). */
    private readonly pins: PinList,
    private readonly say: (text: string) => void,
  ) {}

  async list(): Promise<DeviceListing[]> {
    const { name, device: mine } = this.service.me;
    const answer = await this.requests.ask<Extract<ServerFrame, { op: 'devices' }>>({ op: 'fetch_devices', name });
    return answer.devices.map((d) => ({ device: d.device, mine: d.device === mine, pending: (d as { pending?: boolean }).pending === true }));
  }

  /**
   * docs/protocol.md "Approval": certifies the pending device the code names, hands it the
   * identity and this device's pins (saying which did not fit), then adds it to every conversation once it has published key packages.
   */
  async approve(typed: string): Promise<void> {
    const { name } = this.service.me;
    const code = readApprovalCode(typed);
    if (code === undefined) return this.say(`${typed} is not an approval code: it is 10 characters of a-z and 2-7, like abcde-fgh23 (a device showing 8 characters runs an older Litsxg: update it)`);
    const answer = await this.requests.ask<Extract<ServerFrame, { op: 'devices' }>>({ op: 'fetch_devices', name });
    const pending = answer.devices.flatMap((d) => ((d as { pending?: boolean }).pending ? [d as typeof d & PendingListing] : []))
      .find((d) => approvalCode(name, d) === code);
    if (pending === undefined) return this.say(`no device of ${name} waiting for approval shows ${code}`);
    const { certify, grant, carried, dropped } = approve(name, this.identity(), pending, this.pins);
    await this.requests.ask(certify);
    const withPins = await this.requests.ask({ op: 'send', to: name, body: grant }).then(() => true, async (error: unknown) => {
      // A relay with a --max-body-bytes under the grant's size: the identity alone, as an older client sends it.
      if (!(error instanceof RelayRefusal && error.code === 'body_too_large')) throw error;
      await this.requests.ask({ op: 'send', to: name, body: approve(name, this.identity(), pending).grant });
      return false;
    });
    this.say(`approved device ${pending.device}; it joins your conversations once it has logged in`);
    if (!withPins && carried > 0) this.say(`the relay took the approval only without your pinned contacts' keys: device ${pending.device} pins them on first use; /verify them there`);
    else if (dropped > 0) {
      this.say(`the approval carried ${carried} of your ${carried + dropped} pinned contacts' keys (verified ones first): device ${pending.device} pins the other ${dropped} on first use; /verify them there`);
    }
    if (!await keyPackagesPublished(this.requests, name, pending.device, APPROVAL_WAIT_MS, APPROVAL_POLL_MS)) {
      return this.say(`device ${pending.device} has not logged in yet: approve ${code} again once it has`);
    }
    const added = await this.service.addDevice(name, pending.device);
    this.say(`device ${pending.device} added to ${added === 1 ? '1 conversation' : `${added} conversations`}`);
  }

  /** Takes a lost device out of every conversation, then revokes it on the relay. */
  async remove(device: string): Promise<void> {
    const { name, device: mine } = this.service.me;
    if (device === mine) return this.say('this is the device you are using: remove it from another one');
    await this.service.removeDevice(name, device);
    await this.requests.ask({ op: 'revoke_device', device });
    this.say(`device ${device} removed from every conversation and revoked`);
  }
}

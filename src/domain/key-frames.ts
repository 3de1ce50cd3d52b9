import type { ConnectionGateway } from '../ports/connection-gateway.ts';
import type { Logger } from '../ports/logger.ts';
import type { Presence } from '../ports/presence.ts';
import type { SessionStore } from '../ports/session-store.ts';
import type { KeyPackageHandout } from './devices.ts';
import { mailboxOf } from './mailbox.ts';
import type { ErrorCode } from './errors.ts';
import type { InboundFrame, KeyFrame, OutboundFrame } from './frames.ts';
import { errorFrame, withRef } from './frames.ts';
import type { OperatorDevices } from './operator-devices.ts';
import type { OperatorKeys } from './operator-keys.ts';
import type { Session } from './session.ts';
import { endSession } from './session.ts';

const KEY_OPS: ReadonlySet<string> = new Set<KeyFrame['op']>([
  'publish_key', 'fetch_key', 'publish_device', 'fetch_devices', 'revoke_device', 'publish_key_packages', 'fetch_key_packages',
]);

/** Whether KeyFrames answers this frame: the relay hands these over once authenticated. */
export function isKeyFrame(frame: InboundFrame): frame is KeyFrame {
  return KEY_OPS.has(frame.op);
}

type FrameOf<Op extends KeyFrame['op']> = Extract<KeyFrame, { op: Op }>;

/**
 * The frames of docs/protocol.md "Keys" and "Devices and key packages", from authenticated
 * sessions. Whose keys and devices change is always the session's operator's, never the
 * mailbox's: a device session acts for its operator.
 */
export class KeyFrames {
  constructor(
    private readonly keys: OperatorKeys,
    private readonly devices: OperatorDevices,
    private readonly gateway: ConnectionGateway,
    private readonly presence: Presence,
    private readonly sessions: SessionStore,
    private readonly logger: Logger,
  ) {}

  handle(session: Session, frame: KeyFrame): Promise<void> {
    switch (frame.op) {
      case 'publish_key': return this.publishKey(session, frame);
      case 'fetch_key': return this.fetchKey(session, frame);
      case 'publish_device': return this.publishDevice(session, frame);
      case 'fetch_devices': return this.fetchDevices(session, frame);
      case 'revoke_device': return this.revokeDevice(session, frame);
      case 'publish_key_packages': return this.publishKeyPackages(session, frame);
      case 'fetch_key_packages': return this.fetchKeyPackages(session, frame);
    }
  }

  /** docs/protocol.md "Keys": the public identity is the session's own operator's. */
  private async publishKey(session: Session, frame: FrameOf<'publish_key'>): Promise<void> {
    const published = await this.keys.publish(session.operator!, { agreement: frame.agreement, signing: frame.signing });
    if (!published) return this.refuse(session, 'no_such_recipient', frame.ref);
    this.logger.log('info', 'key_published', { conn: session.id, name: session.operator });
    this.answer(session, { op: 'key_published' }, frame.ref);
  }

  private async fetchKey(session: Session, frame: FrameOf<'fetch_key'>): Promise<void> {
    const outcome = await this.keys.fetch(frame.name);
    if (!outcome.ok) return this.refuse(session, outcome.code, frame.ref);
    const { agreement, signing } = outcome.identity;
    this.answer(session, { op: 'key', name: frame.name, agreement, signing }, frame.ref);
  }

  /**
   * docs/protocol.md "Approval": only a password session publishes a pending device; a device
   * session holds the identity (it certifies) and is itself a device already.
   */
  private async publishDevice(session: Session, frame: FrameOf<'publish_device'>): Promise<void> {
    const { device, signing, ref } = frame;
    const pending = 'agreement' in frame;
    if (pending && session.device !== undefined) return this.refuse(session, 'invalid', ref, 'certificate: required from a device session (only a password session publishes a pending device)');
    const outcome = pending
      ? await this.devices.publishPending(session.operator!, { device, signing, agreement: frame.agreement })
      : await this.devices.publish(session.operator!, { device, signing, certificate: frame.certificate });
    if (!outcome.ok) {
      // docs/protocol.md "Devices and key packages": a certificate that does not verify is `invalid`, naming it.
      if (outcome.code !== 'bad_certificate') return this.refuse(session, outcome.code, ref);
      return this.refuse(session, 'invalid', ref, `certificate: does not verify under ${session.operator}'s published identity`);
    }
    this.logger.log('info', 'device_published', { conn: session.id, name: session.operator, device, pending });
    this.answer(session, pending ? { op: 'device_published', device, pending: true } : { op: 'device_published', device }, ref);
  }

  private async fetchDevices(session: Session, { name, ref }: FrameOf<'fetch_devices'>): Promise<void> {
    const outcome = await this.devices.list(session.operator!, name);
    if (!outcome.ok) return this.refuse(session, outcome.code, ref);
    this.answer(session, { op: 'devices', name, devices: outcome.items }, ref);
  }

  /**
   * The device can no longer log in, and its live session is ended with `bye revoked`: here
   * directly, on another instance through the gateway, as a takeover's `bye replaced` is.
   */
  private async revokeDevice(session: Session, { device, ref }: FrameOf<'revoke_device'>): Promise<void> {
    const name = session.operator!;
    if (!(await this.devices.revoke(name, device))) return this.refuse(session, 'no_such_device', ref);
    this.logger.log('info', 'device_revoked', { conn: session.id, name, device });
    this.answer(session, { op: 'device_revoked', device }, ref);
    const live = await this.presence.lookup(mailboxOf(name, device));
    if (live === undefined) return;
    const local = this.sessions.get(live);
    if (local !== undefined) endSession(local);
    this.gateway.send(live, { op: 'bye', reason: 'revoked' });
    this.gateway.close(live);
  }

  /** Only a device session publishes key packages: they are its device's. */
  private async publishKeyPackages(session: Session, { packages, last_resort: lastResort, ref }: FrameOf<'publish_key_packages'>): Promise<void> {
    if (session.device === undefined) return this.refuse(session, 'not_a_device', ref);
    const outcome = await this.devices.publishPackages(session.operator!, session.device, packages, lastResort);
    if (!outcome.ok) return this.refuse(session, outcome.code, ref);
    this.answer(session, { op: 'key_packages_published', count: outcome.held }, ref);
  }

  private async fetchKeyPackages(session: Session, { name, device, ref }: FrameOf<'fetch_key_packages'>): Promise<void> {
    const outcome = await this.devices.fetchPackages(session.operator!, name, device);
    if (!outcome.ok) return this.refuse(session, outcome.code, ref);
    this.answer(session, { op: 'key_packages', name, packages: outcome.items.map(packageEntry) }, ref);
  }

  private answer(session: Session, frame: OutboundFrame, ref: string | undefined): void {
    this.gateway.send(session.id, withRef(frame, ref));
  }

  private refuse(session: Session, code: ErrorCode, ref: string | undefined, message?: string): void {
    this.gateway.send(session.id, errorFrame(code, ref, undefined, message));
  }
}

/** `last_resort` only when true: a one-time package carries no such field. */
function packageEntry({ device, package: text, lastResort }: KeyPackageHandout): { device: string; package: string; last_resort?: true } {
  return lastResort ? { device, package: text, last_resort: true } : { device, package: text };
}

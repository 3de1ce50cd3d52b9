import type { Clock } from '../ports/clock.ts';
import type { DeviceDirectory } from '../ports/device-directory.ts';
import type { Logger } from '../ports/logger.ts';
import type { Awaitable } from './awaitable.ts';
import { whenResolved } from './awaitable.ts';
import { logFailure } from './log-failure.ts';
import type { DeviceId } from './devices.ts';
import { copiesOf } from './group-frames.ts';
import { mailboxOf } from './mailbox.ts';
import type { Mailbox } from './mailbox.ts';
import type { OperatorName } from './names.ts';
import type { RouteOutcome } from './router.ts';

/**
 * How stale this instance's view may be of devices changed elsewhere: by another instance, or by
 * `operator reset-devices`, `passwd` and `remove`, which run in a process of their own.
 */
export const DEVICES_RELOAD_MS = 1_000;
const QUEUE_FULL: RouteOutcome = { ok: false, code: 'queue_full' };

/**
 * docs/protocol.md "Devices and key packages": the mailboxes a plain `send` to an operator with
 * certified devices is copied into, the name's own first, then its devices' oldest first. Held in
 * memory so that a send asks one Map and waits for nothing; a name without devices is not in it,
 * so sends to it go on as they always did.
 */
export class DeviceMailboxes {
  private readonly byName = new Map<OperatorName, readonly Mailbox[]>();
  /** Names changed on this instance while a reload reads: what the reload read of them may be older. */
  private changedDuringReload: Set<OperatorName> | undefined;
  /** The last reload failed: failing again is logged at `debug`, not every second at `error`. */
  private failing = false;

  constructor(private readonly directory: DeviceDirectory, private readonly clock: Clock, private readonly logger: Logger) {}

  /** The mailboxes a send to `name` goes to, or undefined when it has no certified device. */
  of(name: OperatorName): readonly Mailbox[] | undefined {
    return this.byName.get(name);
  }

  /** Reads every certified device, then again every DEVICES_RELOAD_MS; returns the cancel. */
  async start(): Promise<() => void> {
    await this.reload();
    return this.clock.every(DEVICES_RELOAD_MS, () => void this.reloadLogged());
  }

  /** A device certified on this instance: sends to its name reach it from now on. */
  certified(name: OperatorName, device: DeviceId): void {
    const mailboxes = this.byName.get(name) ?? [name];
    const mailbox = mailboxOf(name, device);
    if (!mailboxes.includes(mailbox)) this.change(name, [...mailboxes, mailbox]);
  }

  /** A device revoked on this instance: no further copy goes to its mailbox. */
  revoked(name: OperatorName, device: DeviceId): void {
    const mailbox = mailboxOf(name, device);
    const mailboxes = this.byName.get(name);
    if (mailboxes?.includes(mailbox) === true) this.change(name, mailboxes.filter((other) => other !== mailbox));
  }

  private change(name: OperatorName, mailboxes: readonly Mailbox[]): void {
    this.changedDuringReload?.add(name);
    if (mailboxes.length > 1) this.byName.set(name, mailboxes);
    else this.byName.delete(name);
  }

  /** One reload at a time: a timer firing while the store is slow adds none. */
  private async reload(): Promise<void> {
    if (this.changedDuringReload !== undefined) return;
    const changed = new Set<OperatorName>();
    this.changedDuringReload = changed;
    try {
      const devices = await this.directory.certifiedDevices();
      for (const name of this.byName.keys()) {
        if (!devices.has(name) && !changed.has(name)) this.byName.delete(name);
      }
      for (const [name, ids] of devices) {
        if (!changed.has(name)) this.byName.set(name, [name, ...ids.map((id) => mailboxOf(name, id))]);
      }
    } finally {
      this.changedDuringReload = undefined;
    }
  }

  /** A failed reload keeps the view it had; the next one tries again. */
  private async reloadLogged(): Promise<void> {
    try {
      await this.reload();
      this.failing = false;
    } catch (error) {
      logFailure(this.logger, { op: 'devices_reload' }, error, this.failing ? 'debug' : 'error');
      this.failing = true;
    }
  }
}

/**
 * The answer to a send copied into `mailboxes`: `id` and `status` of the name's own copy, or of the
 * first device's accepted when the name's queue was full, and every copy listed. Accepted while
 * any copy is; `queue_full` when none is (then nothing was queued).
 */
export function sentToAll(mailboxes: readonly Mailbox[], outcomes: Awaitable<RouteOutcome[]>): Awaitable<RouteOutcome> {
  if (outcomes instanceof Promise) return whenResolved(outcomes, summarise, undefined, mailboxes);
  return summarise(outcomes, mailboxes);
}

function summarise(outcomes: readonly RouteOutcome[], mailboxes: readonly Mailbox[]): RouteOutcome {
  const first = outcomes.find((outcome) => outcome.ok);
  if (first === undefined) return QUEUE_FULL;
  return { ok: true, id: first.id, status: first.status, copies: copiesOf(mailboxes, outcomes) };
}

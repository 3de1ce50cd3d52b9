import { ed25519 } from '@noble/curves/ed25519.js';
import type { CiphersuiteName } from 'ts-mls';
import type { ConversationEvent, FetchedPackage, OutgoingCommit } from '../../src/client/conversations/conversation-events.ts';
import { Conversations } from '../../src/client/conversations/conversations.ts';
import { MemoryConversationStore } from '../../src/client/conversations/conversation-store.ts';
import type { DeviceKeys } from '../../src/client/conversations/device-credential.ts';
import { mailboxOf, newDevice } from '../../src/client/conversations/device-credential.ts';

/** One body the relay carried, as a recording proxy would have seen it. */
export interface Carried {
  readonly from: string;
  readonly to: string;
  readonly body: string;
}

/**
 * A delivery service with the relay's ordering rules (docs/protocol.md "Groups"), in memory:
 * the first commit for an epoch wins, later ones are stale; a group message goes to every member
 * mailbox but the sender's; a welcome to the new members only. Deliveries wait in each mailbox
 * until the test lets them through, so tests choose the interleaving.
 */
export class FakeDeliveryService {
  readonly groups = new Map<string, { epoch: bigint; members: string[] }>();
  readonly inboxes = new Map<string, { from: string; body: string }[]>();
  readonly carried: Carried[] = [];

  commit(from: string, commit: OutgoingCommit): 'committed' | 'stale_epoch' {
    const group = this.groups.get(commit.group) ?? { epoch: 0n, members: [from] };
    if (group.epoch !== commit.epoch || !group.members.includes(from)) return 'stale_epoch';
    const before = group.members;
    this.groups.set(commit.group, { epoch: commit.epoch + 1n, members: commit.members });
    for (const to of before) if (to !== from) this.deliver(from, to, commit.body);
    if (commit.welcome !== undefined) for (const to of commit.members) if (!before.includes(to)) this.deliver(from, to, commit.welcome);
    return 'committed';
  }

  send(from: string, group: string, body: string): void {
    const members = this.groups.get(group)?.members ?? [];
    if (!members.includes(from)) throw new Error(`${from} is not a member of the group`);
    for (const to of members) if (to !== from) this.deliver(from, to, body);
  }

  /** Takes the next delivery waiting for `mailbox`, if any. */
  next(mailbox: string): { from: string; body: string } | undefined {
    return this.inboxes.get(mailbox)?.shift();
  }

  private deliver(from: string, to: string, body: string): void {
    this.carried.push({ from, to, body });
    let inbox = this.inboxes.get(to);
    if (inbox === undefined) this.inboxes.set(to, (inbox = []));
    inbox.push({ from, body });
  }
}

/** One device of a test operator, with its own core and store. */
export class TestDevice {
  readonly events: ConversationEvent[] = [];

  constructor(readonly keys: DeviceKeys, readonly store: MemoryConversationStore, readonly core: Conversations, private readonly ds: FakeDeliveryService) {}

  get mailbox(): string {
    return mailboxOf(this.keys);
  }

  /** Makes the commit and has the relay order it; applies it if it won. */
  async commit(make: (core: Conversations) => Promise<OutgoingCommit>): Promise<'committed' | 'stale_epoch'> {
    const commit = await make(this.core);
    const answer = this.ds.commit(this.mailbox, commit);
    if (answer === 'committed') this.events.push(...await this.core.commitAccepted(commit.group));
    else await this.core.commitRefused(commit.group);
    return answer;
  }

  async say(group: string, text: string, id = `${this.mailbox}:${text}`): Promise<void> {
    this.ds.send(this.mailbox, group, await this.core.encrypt(group, text, id));
    await this.core.flush();
  }

  /** Processes every delivery waiting for this device. */
  async drain(): Promise<ConversationEvent[]> {
    const got: ConversationEvent[] = [];
    for (let next = this.ds.next(this.mailbox); next !== undefined; next = this.ds.next(this.mailbox)) {
      got.push(...await this.core.receive(next.from, next.body));
    }
    this.events.push(...got);
    await this.core.flush();
    return got;
  }

  texts(): string[] {
    return this.events.flatMap((e) => (e.kind === 'text' ? [`${e.from.name}: ${e.text}`] : []));
  }
}

/** Operators with identity keys, their devices, and the relay between them. */
export class TestTeam {
  readonly ds = new FakeDeliveryService();
  private readonly identities = new Map<string, { secret: Uint8Array; public: Uint8Array }>();
  private deviceCount = 0;

  constructor(private readonly suite?: CiphersuiteName) {}

  identity(name: string): { secret: Uint8Array; public: Uint8Array } {
    let identity = this.identities.get(name);
    if (identity === undefined) {
      const secret = ed25519.utils.randomSecretKey();
      identity = { secret, public: ed25519.getPublicKey(secret) };
      this.identities.set(name, identity);
    }
    return identity;
  }

  async device(name: string, store = new MemoryConversationStore(), keys?: DeviceKeys): Promise<TestDevice> {
    const deviceKeys = keys ?? newDevice(name, `dev${++this.deviceCount}`, this.identity(name).secret);
    const core = await Conversations.open({
      store, device: deviceKeys, suite: this.suite,
      identities: { identityOf: async (of) => this.identities.get(of)?.public },
    });
    return new TestDevice(deviceKeys, store, core, this.ds);
  }

  /** The same device restarted (or copied) from what its store holds. */
  reopen(device: TestDevice, store = device.store): Promise<TestDevice> {
    return this.device(device.keys.name, store, device.keys);
  }

  /** One key package of each given device, as `fetch_key_packages` hands them out. */
  async packagesOf(...devices: TestDevice[]): Promise<FetchedPackage[]> {
    const packages: FetchedPackage[] = [];
    for (const device of devices) {
      for (const body of await device.core.keyPackages.create(1)) packages.push({ name: device.keys.name, device: device.keys.device, package: body });
    }
    return packages;
  }
}

/** A group of `count` operators, one device each, built the way a client builds it. */
export async function buildGroup(team: TestTeam, count: number, batch = 25): Promise<{ group: string; devices: TestDevice[] }> {
  const devices = [await team.device('op0')];
  const group = await devices[0]!.core.create({ kind: 'group', name: 'everyone' });
  for (let start = 1; start < count; start += batch) {
    const joining: TestDevice[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) joining.push(await team.device(`op${i}`));
    const answer = await devices[0]!.commit(async (core) => core.add(group, await team.packagesOf(...joining)));
    if (answer !== 'committed') throw new Error('the relay refused a commit');
    devices.push(...joining);
    for (const device of devices.slice(1)) await device.drain();
  }
  return { group, devices };
}

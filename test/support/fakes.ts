import type { ConnectionId } from '../../src/domain/session.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import type { PublicIdentity } from '../../src/domain/identity-keys.ts';
import type { OperatorName } from '../../src/domain/names.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { ConnectionGateway } from '../../src/ports/connection-gateway.ts';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';
import type { GroupCommitOutcome, GroupDirectory, GroupRoute } from '../../src/ports/group-directory.ts';
import type { KeyDirectory } from '../../src/ports/key-directory.ts';
import type { LogFields, LogLevel, Logger } from '../../src/ports/logger.ts';
import type { PasswordHasher } from '../../src/ports/password-hasher.ts';

/** A clock the test moves by hand; `advance` runs the repeating tasks that fall due, in time order. */
export class ManualClock implements Clock {
  private readonly timers = new Set<{ due: number; readonly intervalMs: number; readonly task: () => void }>();

  constructor(public time = 1_764_115_200_000) {}
  now(): number {
    return this.time;
  }
  every(intervalMs: number, task: () => void): () => void {
    const timer = { due: this.time + intervalMs, intervalMs, task };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.due - b.due)[0];
      if (next === undefined || next.due > until) break;
      this.time = next.due;
      next.due += next.intervalMs;
      next.task();
    }
    this.time = until;
  }
  /** Repeating tasks not cancelled. */
  get scheduled(): number {
    return this.timers.size;
  }
}

/** Records every frame and close; `blocked` connections report being past their high-water mark. */
export class RecordingGateway implements ConnectionGateway {
  readonly frames = new Map<ConnectionId, OutboundFrame[]>();
  readonly closed = new Set<ConnectionId>();
  readonly blocked = new Set<ConnectionId>();
  readonly woken: [ConnectionId, number][] = [];

  send(connection: ConnectionId, frame: OutboundFrame): void {
    if (this.closed.has(connection)) return;
    const frames = this.frames.get(connection) ?? [];
    frames.push(structuredClone(frame));
    this.frames.set(connection, frames);
  }
  close(connection: ConnectionId): void {
    this.closed.add(connection);
  }
  canTakeMore(connection: ConnectionId): boolean {
    return !this.blocked.has(connection) && !this.closed.has(connection);
  }
  wake(connection: ConnectionId, seq: number): void {
    this.woken.push([connection, seq]);
  }
  sentTo(connection: ConnectionId): OutboundFrame[] {
    return this.frames.get(connection) ?? [];
  }
}

/** Credentials in a Map; `exists`, on the message path, answers at once like SQLite's cache. */
export class InMemoryCredentialRepository implements CredentialRepository {
  readonly hashes = new Map<OperatorName, string>();
  async findHash(name: OperatorName) {
    return this.hashes.get(name);
  }
  exists(name: OperatorName) {
    return this.hashes.has(name);
  }
  async add(name: OperatorName, hash: string) {
    if (this.hashes.has(name)) return false;
    this.hashes.set(name, hash);
    return true;
  }
  async changeHash(name: OperatorName, hash: string) {
    if (!this.hashes.has(name)) return false;
    this.hashes.set(name, hash);
    return true;
  }
  async remove(name: OperatorName) {
    return this.hashes.delete(name);
  }
  async list() {
    return [...this.hashes.keys()].sort();
  }
  async close() {}
}

/** Not a real hash: `plain:` + password, and counts its calls (unknown names must cost one too). */
export class PlainPasswordHasher implements PasswordHasher {
  verifications = 0;
  async hash(password: string) {
    return `plain:${password}`;
  }
  async verify(password: string, storedHash: string | undefined): Promise<boolean | 'busy'> {
    this.verifications++;
    return storedHash === `plain:${password}`;
  }
}

export class RecordingLogger implements Logger {
  readonly entries: { level: LogLevel; event: string; fields: LogFields }[] = [];
  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    this.entries.push({ level, event, fields });
  }
}

/** Public identities in a Map, only for operators `credentials` knows. */
export class InMemoryKeyDirectory implements KeyDirectory {
  readonly identities = new Map<OperatorName, PublicIdentity>();
  constructor(private readonly credentials: CredentialRepository) {}
  async publish(name: OperatorName, identity: PublicIdentity) {
    if (!(await this.credentials.exists(name))) return false;
    this.identities.set(name, identity);
    return true;
  }
  async find(name: OperatorName) {
    return this.identities.get(name);
  }
  async revoke(name: OperatorName) {
    return this.identities.delete(name);
  }
}

/** Groups in a Map, with the same compare-and-set as the database (one event loop makes it atomic). */
export class InMemoryGroupDirectory implements GroupDirectory {
  readonly groups = new Map<string, GroupRoute>();
  reads = 0;
  async find(group: string) {
    this.reads++;
    return this.groups.get(group);
  }
  async commit(group: string, epoch: number, committer: string, members: readonly string[]): Promise<GroupCommitOutcome> {
    const route = this.groups.get(group) ?? (epoch === 0 ? { epoch: 0, members: [committer] } : undefined);
    if (route === undefined || !route.members.includes(committer)) return { ok: false, code: 'no_such_group' };
    if (route.epoch !== epoch) return { ok: false, code: 'stale_epoch', current: route.epoch };
    this.groups.set(group, { epoch: epoch + 1, members: [...members], committer });
    return { ok: true, previous: route.members };
  }
  async partners(operator: string) {
    const operatorOf = (mailbox: string) => mailbox.split('/')[0]!;
    const shared = [...this.groups.values()].filter((route) => route.members.some((m) => operatorOf(m) === operator));
    return [...new Set(shared.flatMap((route) => route.members.map(operatorOf)))].filter((name) => name !== operator).sort();
  }
}

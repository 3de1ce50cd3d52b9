import type { Kysely, Transaction } from 'kysely';
import { inject, injectable } from 'inversify';
import { operatorOf } from '../../domain/mailbox.ts';
import type { Mailbox } from '../../domain/mailbox.ts';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { GroupCommitOutcome, GroupDirectory, GroupRoute } from '../../ports/group-directory.ts';
import { CredentialDatabase } from './credential-database.ts';
import { CredentialDialect } from './credential-dialect.ts';
import type { CredentialSchema, GroupMembersTable } from './credential-schema.ts';

/** Thrown inside a commit's transaction to roll it back: the committer turned out not to be a member. */
class NotAMember extends Error {}

/**
 * The groups' routing table in the credential database, the same queries on SQLite and
 * PostgreSQL. A commit is one transaction that starts with its write, a conditional UPDATE
 * (`epoch = E`): on PostgreSQL a concurrent commit of the same group waits for the row lock and
 * then finds the epoch moved, on SQLite it waits for the write lock (the dialect retries the
 * whole transaction), so exactly one commit of an epoch wins, across instances.
 */
@injectable()
export class KyselyGroupDirectory implements GroupDirectory {
  constructor(
    @inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
    @inject(CredentialDialect) private readonly dialect: CredentialDialect,
  ) {}

  async find(group: string): Promise<GroupRoute | undefined> {
    return this.dialect.run(() => this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('groups').select(['epoch', 'committer']).where('group_id', '=', group).executeTakeFirst();
      if (row === undefined) return undefined;
      const route = { epoch: Number(row.epoch), members: await membersOf(trx, group) };
      return row.committer === null ? route : { ...route, committer: row.committer };
    }));
  }

  async commit(group: string, epoch: number, committer: Mailbox, members: readonly Mailbox[]): Promise<GroupCommitOutcome> {
    try {
      return await this.dialect.run(() => this.db.transaction().execute((trx) => this.commitIn(trx, group, epoch, committer, members)));
    } catch (error) {
      if (error instanceof NotAMember) return { ok: false, code: 'no_such_group' };
      throw error;
    }
  }

  async partners(operator: OperatorName): Promise<OperatorName[]> {
    const rows = await this.dialect.run(() => partnersQuery(this.db, operator).execute());
    const names = new Set(rows.map((row) => row.operator));
    names.delete(operator);
    return [...names].sort();
  }

  private async commitIn(
    trx: Transaction<CredentialSchema>, group: string, epoch: number, committer: Mailbox, members: readonly Mailbox[],
  ): Promise<GroupCommitOutcome> {
    const now = this.clock.now();
    if (epoch === 0) {
      // Shared design: an unknown group at epoch 0 is created with its committer.
      const created = await trx.insertInto('groups').values({ group_id: group, epoch: 0, committer: null, updated_at: now })
        .onConflict((conflict) => conflict.column('group_id').doNothing()).executeTakeFirst();
      if (Number(created.numInsertedOrUpdatedRows ?? 0n) === 1) {
        await trx.insertInto('group_members').values(memberRow(group, committer)).execute();
      }
    }
    const moved = await trx.updateTable('groups').set({ epoch: epoch + 1, committer, updated_at: now })
      .where('group_id', '=', group).where('epoch', '=', epoch).executeTakeFirst();
    const previous = await membersOf(trx, group);
    if (!previous.includes(committer)) throw new NotAMember();
    if (Number(moved.numUpdatedRows) === 0) {
      const row = await trx.selectFrom('groups').select('epoch').where('group_id', '=', group).executeTakeFirstOrThrow();
      return { ok: false, code: 'stale_epoch', current: Number(row.epoch) };
    }
    await trx.deleteFrom('group_members').where('group_id', '=', group).execute();
    await trx.insertInto('group_members').values(members.map((mailbox) => memberRow(group, mailbox))).execute();
    return { ok: true, previous };
  }
}

/** Migration `0008_group_member_operator`: the indexed operator part of the mailbox. */
function memberRow(group: string, mailbox: Mailbox): GroupMembersTable {
  return { group_id: group, mailbox, operator: operatorOf(mailbox) };
}

/** The operators sharing a group with any mailbox of `operator`, the watcher's own among them. */
export function partnersQuery(db: Kysely<CredentialSchema>, operator: OperatorName) {
  return db.selectFrom('group_members as mine')
    .innerJoin('group_members as theirs', 'theirs.group_id', 'mine.group_id')
    .select('theirs.operator').distinct()
    .where('mine.operator', '=', operator);
}

async function membersOf(trx: Transaction<CredentialSchema>, group: string): Promise<Mailbox[]> {
  const rows = await trx.selectFrom('group_members').select('mailbox').where('group_id', '=', group).orderBy('mailbox').execute();
  return rows.map((row) => row.mailbox);
}

import type { Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { Awaitable } from '../../domain/awaitable.ts';
import type { CredentialRepository } from '../../ports/credential-repository.ts';
import { CredentialDatabase } from './credential-database.ts';
import { CredentialDialect } from './credential-dialect.ts';
import type { CredentialSchema } from './credential-schema.ts';

/** How stale the name cache behind `exists` may be when another process changed the store. */
const NAMES_RECHECK_MS = 1_000;
/** How long a lookup of a name the cache has waits for a check before the cache answers it (issue 24). */
const NAMES_CHECK_PATIENCE_MS = 200;

/**
 * Credentials through Kysely, the same queries on SQLite and PostgreSQL. Hashes are read afresh
 * at every authentication; the per-message `exists` answers from a set of names, reloaded when
 * the dialect says another connection (another instance, the `operator` command) may have
 * changed them.
 */
@injectable()
export class KyselyCredentialRepository implements CredentialRepository {
  private names: Set<OperatorName> | undefined;
  /** Set by a timer a second after each check: the per-message path reads no clock. */
  private namesStale = true;
  /** The check under way: lookups of names the set lacks wait for it. */
  private namesLoading: Promise<Set<OperatorName>> | undefined;
  /** Settles once the check ends, or has taken NAMES_CHECK_PATIENCE_MS; never rejects. */
  private namesPatience: Promise<void> | undefined;
  /** The check under way has outlasted the patience: the set answers for the names it has. */
  private namesSlow = false;
  /** Names the set lacked when looked up during this check: later lookups of them wait for it too. */
  private readonly namesWaiting = new Set<OperatorName>();

  constructor(
    @inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
    @inject(CredentialDialect) private readonly dialect: CredentialDialect,
  ) {}

  async findHash(name: OperatorName): Promise<string | undefined> {
    const row = await this.dialect.run(() => this.db.selectFrom('operators').select('password_hash').where('name', '=', name).executeTakeFirst());
    return row?.password_hash;
  }

  /**
   * Answered from the set while it is fresh: the per-message path waits for no database. While
   * it is checked again, lookups wait for the check, so a removal applies within a second. But
   * a slow, hung or failing store stalls only the senders to names the set lacks (issue 24):
   * once the check has taken NAMES_CHECK_PATIENCE_MS, or failed, the set answers for the names
   * it has. Lookups of one name are answered in the order asked, so a later message to it never
   * overtakes an earlier one (docs/protocol.md "Pipelining").
   */
  exists(name: OperatorName): Awaitable<boolean> {
    if (this.names !== undefined && !this.namesStale) return this.names.has(name);
    const loading = this.namesLoading ?? this.startCheck();
    if (this.names?.has(name) !== true || this.namesWaiting.has(name)) {
      this.namesWaiting.add(name);
      return loading.then((names) => names.has(name));
    }
    if (this.namesSlow) return true;
    return this.namesPatience!.then(() => this.names!.has(name));
  }

  async add(name: OperatorName, hash: string): Promise<boolean> {
    const now = this.clock.now();
    const result = await this.dialect.run(() => this.db
      .insertInto('operators')
      .values({ name, password_hash: hash, created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .executeTakeFirst());
    const added = Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    if (added) this.names?.add(name);
    return added;
  }

  async changeHash(name: OperatorName, hash: string): Promise<boolean> {
    const result = await this.dialect.run(() => this.db
      .updateTable('operators')
      .set({ password_hash: hash, updated_at: this.clock.now() })
      .where('name', '=', name)
      .executeTakeFirst());
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * The operator and what is kept for them go in one transaction (issue 24): interrupted, an
   * operator keeps both account and onion client-authorization key, never a key without the
   * account nor the reverse. The identity key goes with the row (foreign key, cascade).
   */
  async remove(name: OperatorName): Promise<boolean> {
    const result = await this.dialect.run(() => this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('operator_onion_auth_keys').where('name', '=', name).execute();
      return trx.deleteFrom('operators').where('name', '=', name).executeTakeFirst();
    }));
    this.names?.delete(name);
    return Number(result.numDeletedRows) === 1;
  }

  async list(): Promise<OperatorName[]> {
    const rows = await this.dialect.run(() => this.db.selectFrom('operators').select('name').orderBy('name').execute());
    return rows.map((row) => row.name);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /**
   * A failed check rejects the lookups of names the set lacks (`internal`); the next lookup
   * starts another. The patience handles its rejection, so one nobody waited for crashes nothing.
   */
  private startCheck(): Promise<Set<OperatorName>> {
    const loading = this.reloadNames();
    this.namesLoading = loading;
    this.namesPatience = new Promise<void>((resolve) => {
      const slow = setTimeout(() => {
        this.namesSlow = this.namesLoading === loading;
        resolve();
      }, NAMES_CHECK_PATIENCE_MS);
      const ended = () => {
        clearTimeout(slow);
        resolve();
      };
      loading.then(ended, ended);
    });
    return loading;
  }

  private async reloadNames(): Promise<Set<OperatorName>> {
    try {
      // Asked even for the first load, so that the dialect's next answer compares with this moment.
      const changed = await this.dialect.namesChanged();
      if (this.names === undefined || changed) this.names = new Set(await this.list());
      this.namesStale = false;
      setTimeout(() => {
        this.namesStale = true;
      }, NAMES_RECHECK_MS).unref();
      return this.names;
    } finally {
      this.namesLoading = undefined;
      this.namesSlow = false;
      this.namesWaiting.clear();
    }
  }
}

import type { Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { CredentialRepository } from '../../ports/credential-repository.ts';
import { CredentialDatabase } from '../sqlite/credential-database.ts';
import type { CredentialSchema } from '../sqlite/credential-schema.ts';
import { SqliteCredentialRepository } from '../sqlite/sqlite-credential-repository.ts';

/** How stale the name set behind `exists` may be when another instance or the `operator` command changed it. */
const NAMES_RECHECK_MS = 1_000;

/**
 * Credentials in PostgreSQL, shared by every instance. The Kysely queries are SQLite's own
 * (they are dialect-neutral); only `exists` differs: PostgreSQL has no `data_version`, so the
 * set of names is simply reloaded once it is a second old.
 */
@injectable()
export class PostgresCredentialRepository implements CredentialRepository {
  private readonly queries: SqliteCredentialRepository;
  private names: Set<OperatorName> | undefined;
  private loadedAt = 0;

  constructor(
    @inject(CredentialDatabase) db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
  ) {
    this.queries = new SqliteCredentialRepository(db, clock);
  }

  findHash(name: OperatorName): Promise<string | undefined> {
    return this.queries.findHash(name);
  }

  async exists(name: OperatorName): Promise<boolean> {
    const now = this.clock.now();
    if (this.names === undefined || now - this.loadedAt >= NAMES_RECHECK_MS) {
      this.names = new Set(await this.queries.list());
      this.loadedAt = now;
    }
    return this.names.has(name);
  }

  async add(name: OperatorName, hash: string): Promise<boolean> {
    const added = await this.queries.add(name, hash);
    if (added) this.names?.add(name);
    return added;
  }

  changeHash(name: OperatorName, hash: string): Promise<boolean> {
    return this.queries.changeHash(name, hash);
  }

  async remove(name: OperatorName): Promise<boolean> {
    this.names?.delete(name);
    return this.queries.remove(name);
  }

  list(): Promise<OperatorName[]> {
    return this.queries.list();
  }

  close(): Promise<void> {
    return this.queries.close();
  }
}

import type { CompiledQuery, Kysely } from 'kysely';
import { injectable } from 'inversify';
import type { CredentialDialect } from '../kysely/credential-dialect.ts';
import type { CredentialSchema } from '../kysely/credential-schema.ts';

/**
 * PostgreSQL's part of the credential repository, shared by every instance: it has no
 * `data_version`, so the names are simply reloaded once they are a second old.
 */
@injectable()
export class PostgresCredentialDialect implements CredentialDialect {
  run<T>(statement: () => Promise<T>): Promise<T> {
    return statement();
  }

  async first<Row>(db: Kysely<CredentialSchema>, query: CompiledQuery<Row>): Promise<Row | undefined> {
    return (await db.executeQuery(query)).rows[0];
  }

  async namesChanged(): Promise<boolean> {
    return true;
  }
}

import { injectable } from 'inversify';
import type { CredentialDialect } from '../kysely/credential-dialect.ts';

/**
 * PostgreSQL's part of the credential repository, shared by every instance: it has no
 * `data_version`, so the names are simply reloaded once they are a second old.
 */
@injectable()
export class PostgresCredentialDialect implements CredentialDialect {
  run<T>(statement: () => Promise<T>): Promise<T> {
    return statement();
  }

  async namesChanged(): Promise<boolean> {
    return true;
  }
}

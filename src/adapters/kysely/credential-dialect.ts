import type { CompiledQuery, Kysely } from 'kysely';
import { token } from '../../ports/token.ts';
import type { CredentialSchema } from './credential-schema.ts';

/**
 * What the credential repository does differently on each database. One instance a repository:
 * `namesChanged` may remember what it saw last time.
 */
export interface CredentialDialect {
  /** Runs one statement (SQLite tries again while another process holds the write lock). */
  run<T>(statement: () => Promise<T>): Promise<T>;
  /** The first row of a read compiled once on `db`, for the lookups every key login waits on. */
  first<Row>(db: Kysely<CredentialSchema>, query: CompiledQuery<Row>): Promise<Row | undefined>;
  /** Whether another connection may have changed the operators since the last call; asked at most once a second. */
  namesChanged(): Promise<boolean>;
}
export const CredentialDialect = token<CredentialDialect>('CredentialDialect');

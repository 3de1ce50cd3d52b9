import { token } from '../../ports/token.ts';

/**
 * What the credential repository does differently on each database. One instance a repository:
 * `namesChanged` may remember what it saw last time.
 */
export interface CredentialDialect {
  /** Runs one statement (SQLite tries again while another process holds the write lock). */
  run<T>(statement: () => Promise<T>): Promise<T>;
  /** Whether another connection may have changed the operators since the last call; asked at most once a second. */
  namesChanged(): Promise<boolean>;
}
export const CredentialDialect = token<CredentialDialect>('CredentialDialect');

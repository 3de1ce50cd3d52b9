import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/**
 * The pool as Kysely uses it, but a connection whose statement timed out on the client side
 * (`query_timeout`) is closed when released rather than reused: pg still waits for that
 * statement's answer, which a socket gone silent never brings, so every later statement on it
 * would time out too, and the store would stay unusable after it came back (issue 24).
 */
export function discardingPool(pool: pg.Pool): PostgresPool {
  return {
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let timedOut = false;
      const noteTimeout = (error: Error) => {
        if (error.message === 'Query read timeout') timedOut = true;
        throw error;
      };
      // Statements only: the dialect is given no cursor, so Kysely never streams through one.
      const query = (sql: string, parameters: readonly unknown[]) => client.query(sql, [...parameters]).catch(noteTimeout);
      return {
        query: query as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy === true || timedOut),
      };
    },
  };
}

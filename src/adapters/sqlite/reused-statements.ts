import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct SQL texts kept prepared: Kysely writes `in (?, ?, …)` lists as texts of their own. */
export const STATEMENTS_KEPT = 256;

export interface ReusedStatements extends SqliteDatabase {
  prepare(sql: string): Database.Statement;
}

/**
 * The database as Kysely's SqliteDialect sees it, with each SQL text prepared once and reused:
 * preparing (parsing and planning) a key login's lookup cost more than running it. SQLite
 * prepares a kept statement again by itself if the schema changes. The least recently used
 * text is dropped past `kept`; a statement still being iterated is not handed out twice.
 */
export function reusedStatements(database: Database.Database, kept = STATEMENTS_KEPT): ReusedStatements {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string): Database.Statement {
      let statement = statements.get(sql);
      // Taken out and put back: the Map's first key is then the least recently used.
      statements.delete(sql);
      if (statement === undefined || statement.busy) statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > kept) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

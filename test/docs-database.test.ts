import { sql } from 'kysely';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openSqliteCredentials } from '../src/adapters/sqlite/open-sqlite-credentials.ts';
import { section } from './support/markdown.ts';

/** `| \`table\` | \`col\`, \`col\` | … |` rows of docs/security.md § What is kept, and where: table → columns. */
function documentedTables(): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const [, table, columns] of section('docs/security.md', 'What is kept, and where').matchAll(/^\| `([a-z_]+)` \| ((?:`[a-z_]+`(?:, )?)+) \|/gm)) {
    tables.set(table!, [...columns!.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!).sort());
  }
  return tables;
}

// Issue 24: the documentation once said "only names and scrypt hashes" of a database holding private keys.
test('docs/security.md\'s table of the credential database lists exactly the tables and columns a fresh database has', async () => {
  const db = await openSqliteCredentials(':memory:');
  try {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
    const actual = new Map<string, string[]>();
    for (const { name } of rows) {
      const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
      actual.set(name, columns.rows.map((column) => column.name).sort());
    }
    const sorted = (tables: Map<string, string[]>) => Object.fromEntries([...tables].sort(([a], [b]) => a.localeCompare(b)));
    assert.equal(sorted(documentedTables()), sorted(actual));
  } finally {
    await db.destroy();
  }
});

test.run();

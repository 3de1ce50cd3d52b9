import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import Database from 'better-sqlite3';
import { KNOWN_MIGRATIONS } from '../../src/adapters/kysely/credential-migrations.ts';
import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { KyselyKeyDirectory } from '../../src/adapters/kysely/kysely-key-directory.ts';
import { openSqliteCredentials } from '../../src/adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../../src/adapters/sqlite/sqlite-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { credentialRepositoryContract } from '../contracts/credential-repository-contract.ts';
import { keyDirectoryContract } from '../contracts/key-directory-contract.ts';
import { credentialsMigratedTo } from '../support/old-credentials.ts';
import { tempDir } from '../support/temp-dir.ts';

async function repositoryAt(path: string) {
  const db = await openSqliteCredentials(path);
  return new KyselyCredentialRepository(db, new SystemClock(), new SqliteCredentialDialect(db));
}

credentialRepositoryContract('SQLite in memory', async () => {
  const repository = await repositoryAt(':memory:');
  return { repository, dispose: () => repository.close() };
});

credentialRepositoryContract('SQLite on disk', async () => {
  const dir = tempDir();
  const path = join(dir.path, 'credentials.sqlite');
  const repository = await repositoryAt(path);
  return {
    repository,
    other: () => repositoryAt(path),
    async dispose() {
      await repository.close();
      dir.remove();
    },
  };
});

async function keysAt(path: string) {
  const db = await openSqliteCredentials(path);
  const dialect = new SqliteCredentialDialect(db);
  return { credentials: new KyselyCredentialRepository(db, new SystemClock(), dialect), keys: new KyselyKeyDirectory(db, new SystemClock(), dialect) };
}

keyDirectoryContract('SQLite in memory', async () => {
  const { credentials, keys } = await keysAt(':memory:');
  return { credentials, keys, dispose: () => credentials.close() };
});

keyDirectoryContract('SQLite on disk', async () => {
  const dir = tempDir();
  const path = join(dir.path, 'credentials.sqlite');
  const { credentials, keys } = await keysAt(path);
  return {
    credentials,
    keys,
    async reopen() {
      const again = await keysAt(path);
      return { keys: again.keys, close: () => again.credentials.close() };
    },
    async dispose() {
      await credentials.close();
      dir.remove();
    },
  };
});

test('while the names are checked again, every lookup waits for that check, none answers ahead of it', async () => {
  const dir = tempDir();
  const path = join(dir.path, 'credentials.sqlite');
  const repository = await repositoryAt(path);
  const other = await repositoryAt(path);
  try {
    assert.is(await repository.exists('bob'), false);
    assert.is(repository.exists('bob'), false, 'fresh names answer at once');
    await other.add('bob', 'hash');
    // The repository's one-second timer was set first: Node fires timers of one duration in order, however loaded.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // docs/protocol.md "Pipelining": a send answered at once here would overtake the one before it.
    const lookups = [repository.exists('bob'), repository.exists('bob'), repository.exists('carol')];
    assert.equal(lookups.map((lookup) => lookup instanceof Promise), [true, true, true]);
    assert.equal(await Promise.all(lookups), [true, true, false]);
    assert.is(repository.exists('bob'), true, 'fresh again');
  } finally {
    await other.close();
    await repository.close();
    dir.remove();
  }
});

test('the database file and its WAL are created 0600 and migrations run once', async () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'credentials.sqlite');
    const first = await repositoryAt(path);
    await first.add('alice', 'hash');
    const second = await repositoryAt(path);
    assert.ok(await second.exists('alice'), 'reopening keeps the data');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.is(statSync(file).mode & 0o777, 0o600, file);
    await second.close();
    await first.close();
  } finally {
    dir.remove();
  }
});

test('an older database is migrated; an up-to-date one opens without the migrator (whose lock table it would make again)', async () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'credentials.sqlite');
    await (await credentialsMigratedTo(path, KNOWN_MIGRATIONS.at(-2)!)).destroy();
    await (await repositoryAt(path)).close();
    const raw = new Database(path);
    const migrations = () => raw.prepare("select name from sqlite_master where type = 'table' and name like 'litsxg_migration%' order by name").pluck().all();
    assert.is(raw.prepare('select count(*) from litsxg_migration').pluck().get(), KNOWN_MIGRATIONS.length);
    raw.exec('drop table litsxg_migration_lock');
    await (await repositoryAt(path)).close();
    assert.equal(migrations(), ['litsxg_migration'], 'nothing to migrate, no migrator');
    raw.close();
  } finally {
    dir.remove();
  }
});

test('an existing database with looser permissions is tightened to 0600', async () => {
  const dir = tempDir();
  try {
    const path = join(dir.path, 'credentials.sqlite');
    await (await repositoryAt(path)).close();
    chmodSync(path, 0o644);
    const repository = await repositoryAt(path);
    assert.is(statSync(path).mode & 0o777, 0o600);
    await repository.close();
  } finally {
    dir.remove();
  }
});

test.run();

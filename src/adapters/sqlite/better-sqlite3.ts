import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

/**
 * better-sqlite3's constructor, required rather than imported: the one package the build leaves
 * outside the bundle is CommonJS, and importing it as an ES module makes Node scan its source
 * for named exports at every start (issue 21: 11–17 ms against 7–11 ms to load it here).
 */
const Database: typeof BetterSqlite3 = require('better-sqlite3');

/**
 * The addon where npm's install puts it. Given its path, better-sqlite3 loads it at once;
 * otherwise it asks `bindings`, which reads its caller from a stack trace and tries a dozen
 * paths in turn: a first database opened in 2–9 ms instead of 1–1.4 here (issue 21). A build
 * of the addon elsewhere is still found that way.
 */
const releaseAddon = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
export const betterSqlite3Addon: string | undefined = existsSync(releaseAddon) ? releaseAddon : undefined;

export function openBetterSqlite3(path: string, options: BetterSqlite3.Options): BetterSqlite3.Database {
  return new Database(path, betterSqlite3Addon === undefined ? options : { ...options, nativeBinding: betterSqlite3Addon });
}

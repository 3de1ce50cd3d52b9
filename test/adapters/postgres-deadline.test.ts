import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { STATEMENT_TIMEOUT_MS, openPostgresCredentials } from '../../src/adapters/postgres/open-postgres-credentials.ts';
import { PostgresCredentialDialect } from '../../src/adapters/postgres/postgres-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { reportMissingService } from '../support/missing-service.ts';
import { postgresMissing, startPostgresCluster } from '../support/postgres-cluster.ts';

/**
 * A TCP relay to PostgreSQL that can go silent, as a half-open socket does: nothing passes,
 * nothing closes, and what was sent meanwhile is lost. Thawed, new connections work again.
 */
async function freezingProxy(port: number) {
  let frozen = false;
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.push(client, upstream);
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => (frozen = true),
    thaw: () => (frozen = false),
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** What a call ended with, and after how many milliseconds. */
async function timed<T>(call: () => Promise<T> | T): Promise<{ outcome: string; ms: number }> {
  const start = Date.now();
  const outcome = await Promise.resolve().then(call).then((value) => `answered ${String(value)}`, (error: Error) => `failed: ${error.message}`);
  return { outcome, ms: Date.now() - start };
}

const missing = postgresMissing();
if (missing !== undefined) {
  reportMissingService(missing);
} else {
  const cluster = await startPostgresCluster();

  // Issue 24 "A hung credential store stalls everyone".
  test('a PostgreSQL gone silent: each call fails within its deadline, and names the cache has are still answered', async () => {
    const url = new URL(await cluster.createDatabase());
    const proxy = await freezingProxy(cluster.port);
    url.port = String(proxy.port);
    const repository = new KyselyCredentialRepository(await openPostgresCredentials(url.href), new SystemClock(), new PostgresCredentialDialect());
    try {
      await repository.add('bob', 'hash');
      assert.is(await repository.exists('bob'), true);
      proxy.freeze();
      await new Promise((resolve) => setTimeout(resolve, 1_050));
      const [hash, bob, carol] = await Promise.all([timed(() => repository.findHash('bob')), timed(() => repository.exists('bob')), timed(() => repository.exists('carol'))]);
      // The figures docs/operator-guide.md § Failure and restart quotes.
      console.log(`  PostgreSQL gone silent: findHash failed after ${hash.ms} ms, a name the cache lacks after ${carol.ms} ms, a known name answered after ${bob.ms} ms`);
      assert.match(hash.outcome, /^failed/);
      assert.ok(hash.ms < 2 * STATEMENT_TIMEOUT_MS + 1_000, `findHash failed after ${hash.ms} ms`);
      assert.is(bob.outcome, 'answered true');
      assert.ok(bob.ms < 1_000, `the cache answered after ${bob.ms} ms`);
      assert.match(carol.outcome, /^failed/);
      // Waiting for a connection and running the statement are bounded each.
      assert.ok(carol.ms < 2 * STATEMENT_TIMEOUT_MS + 1_000, `a name the cache lacks failed after ${carol.ms} ms`);

      // The connections that went silent never answer again: they must not be used again.
      proxy.thaw();
      assert.is((await timed(() => repository.findHash('bob'))).outcome, 'answered hash', 'the store is usable again at once');
    } finally {
      proxy.close();
      await repository.close().catch(() => undefined);
    }
  });

  test.run();
}

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CREDENTIALS_FILE } from '../../src/adapters/system/data-directory.ts';
import { percentile, recordFigure } from '../support/figures.ts';
import { startMessagePair } from '../support/message-pair.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD, seedOperators } from '../support/seed-operators.ts';
import { LITSXG, startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `bin/litsxg operator …` with the password on stdin; resolves with its exit status (null when killed). */
function operator(args: readonly string[], password: string, running: Set<ChildProcess>): Promise<number | null> {
  const child = spawn(LITSXG, ['operator', ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
  running.add(child);
  child.stdin.end(`${password}\n`);
  return new Promise((resolve) => child.once('exit', (status) => {
    running.delete(child);
    resolve(status);
  }));
}

async function canLogIn(port: number, name: string, password: string): Promise<boolean> {
  const client = await ProtocolClient.connect(port);
  await client.next('hello');
  client.send({ op: 'auth', name, password });
  const answer = await client.next(undefined, 10_000);
  client.close();
  return answer.op === 'welcome';
}

test('kill -9 of the server (and of operator commands) mid-change: every completed change survives, integrity ok', async () => {
  const dir = tempDir();
  const file = join(dir.path, CREDENTIALS_FILE);
  await seedOperators(dir.path, ['alice']);
  const added = new Set<string>();
  const registered = new Set<string>();
  let alicePassword = PASSWORD;
  let aliceCandidates = [PASSWORD];
  let killedCommands = 0;
  try {
    for (let round = 0; round < 3; round++) {
      const server = await startServer({ dataDir: dir.path, args: ['--registration', 'open'] });
      const running = new Set<ChildProcess>();
      let stop = false;
      const adders = [0, 1].map(async (worker) => {
        for (let i = 0; !stop; i++) {
          const name = `op-${round}-${worker}-${i}`;
          if ((await operator(['add', name, '--data-dir', dir.path], `pw of ${name}!`, running)) === 0) added.add(name);
        }
      });
      const passwd = (async () => {
        for (let i = 0; !stop; i++) {
          const next = `alice pw ${round}.${i}!`;
          aliceCandidates = [alicePassword, next];
          if ((await operator(['passwd', 'alice', '--data-dir', dir.path], next, running)) === 0) alicePassword = next;
          aliceCandidates = [alicePassword];
        }
      })();
      const registrar = (async () => {
        for (let i = 0; !stop; i++) {
          const name = `reg-${round}-${i}`;
          try {
            const client = await ProtocolClient.connect(server.port);
            await client.next('hello');
            client.send({ op: 'register', name, password: `pw of ${name}!` });
            if ((await client.next()).op === 'welcome') registered.add(name);
            client.send({ op: 'auth', name: 'alice', password: 'a wrong one' });
            client.close();
          } catch {
            return; // the server is gone
          }
        }
      })();
      // Kill once this round has completed changes of each kind (a loaded machine is slow to spawn).
      const before = { added: added.size, registered: registered.size, alice: alicePassword };
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && (added.size === before.added || registered.size === before.registered || alicePassword === before.alice)) {
        await sleep(50);
      }
      await sleep(200 + round * 450);
      // The crash: the server, and whatever operator command is writing at that instant.
      await server.kill();
      for (const child of running) {
        child.kill('SIGKILL');
        killedCommands++;
      }
      stop = true;
      await Promise.all([...adders, passwd, registrar]);
      await server.stop();

      const db = new Database(file, { readonly: true });
      assert.equal(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      const names = new Set((db.prepare('select name from operators').all() as { name: string }[]).map((row) => row.name));
      db.close();
      for (const name of [...added, ...registered]) assert.ok(names.has(name), `${name} survived`);
    }
    const server = await startServer({ dataDir: dir.path });
    try {
      const works = await Promise.all(aliceCandidates.map((candidate) => canLogIn(server.port, 'alice', candidate)));
      assert.is(works.filter(Boolean).length, 1, "alice's last completed (or the interrupted) password works");
      const sample = [[...added].at(-1), [...registered].at(-1)].filter((name): name is string => name !== undefined);
      for (const name of sample) assert.ok(await canLogIn(server.port, name, `pw of ${name}!`), `${name} logs in`);
    } finally {
      await server.stop();
    }
    recordFigure({
      attack: 'kill -9 ×3 during operator add/passwd, register, auth',
      messagesLost: 0,
      note: `${added.size} adds, ${registered.size} registrations, all present; ${killedCommands} commands killed mid-write; integrity ok`,
    });
    assert.ok(added.size >= 1 && registered.size >= 3, `enough changes made (${added.size} adds, ${registered.size} registrations)`);
  } finally {
    dir.remove();
  }
});

test('the database locked by another process past the busy timeout: that registration gets internal, routing goes on', async () => {
  const server = await startServer({ operators: ['alice', 'bob', 'dave'], args: ['--registration', 'open'] });
  const holder = new Database(join(server.dataDir, CREDENTIALS_FILE), { timeout: 1_000 });
  try {
    const pair = await startMessagePair(server.port, 'alice', 'bob');
    await sleep(300);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('update operators set updated_at = updated_at + 1').run();
    const lockedAt = Date.now();
    const carol = await ProtocolClient.connect(server.port);
    await carol.next('hello');
    carol.send({ op: 'register', name: 'carol', password: 'carol password', ref: 'reg' });
    // Reading still works under WAL: dave logs in while the write lock is held.
    const t = Date.now();
    const dave = await ProtocolClient.login(server.port, 'dave');
    const daveLoginMs = Date.now() - t;
    const answer = await carol.next(undefined, 15_000);
    const answeredAfter = Date.now() - lockedAt;
    await sleep(Math.max(0, 7_000 - (Date.now() - lockedAt)));
    holder.exec('ROLLBACK');
    const report = await pair.stop();
    carol.send({ op: 'register', name: 'carol', password: 'carol password', ref: 'again' });
    const retried = await carol.next(undefined, 10_000);
    recordFigure({
      attack: 'credential DB write-locked 7 s by another process', messagesLost: report.lost,
      note: `register → ${String(answer.code ?? answer.op)} after ${answeredAfter} ms; dave's login ${daveLoginMs} ms; alice→bob p99 ${percentile(report.latenciesMs, 99)} ms, max ${Math.max(...report.latenciesMs)} ms`,
    });
    assert.equal({ op: answer.op, code: answer.code, ref: answer.ref }, { op: 'error', code: 'internal', ref: 'reg' });
    assert.ok(answeredAfter >= 4_500, `waited out the busy timeout (${answeredAfter} ms)`);
    assert.ok(!carol.closed, 'the connection lives on');
    assert.is(retried.op, 'welcome', 'registering works once the lock is gone');
    assert.ok(daveLoginMs < 1_000, `dave logged in during the lock in ${daveLoginMs} ms`);
    assert.is(report.lost, 0);
    assert.ok(Math.max(...report.latenciesMs) < 1_000, `routing went on: max latency ${Math.max(...report.latenciesMs)} ms`);
    dave.close();
    carol.close();
  } finally {
    if (holder.inTransaction) holder.exec('ROLLBACK');
    holder.close();
    await server.stop();
  }
});

test.run();

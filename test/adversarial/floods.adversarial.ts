import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RssMonitor, percentile, recordFigure, round } from '../support/figures.ts';
import { startMessagePair } from '../support/message-pair.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { startServer } from '../support/server-process.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bare socket that records what it received and when it was closed. */
interface RawPeer {
  readonly socket: Socket;
  text: string;
  closed: boolean;
}

function rawConnect(port: number): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const peer: RawPeer = { socket, text: '', closed: false };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { peer.text += chunk; });
    socket.on('close', () => { peer.closed = true; });
    socket.once('connect', () => resolve(peer));
    socket.once('error', reject);
  });
}

async function waitUntil(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function latencyNote(latencies: number[]): string {
  return `p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms`;
}

test('1000 connections that never authenticate are shed by the auth timeout; two operators carry on', async () => {
  const server = await startServer({ operators: ['alice', 'bob'], args: ['--auth-timeout', '2'] });
  const rss = new RssMonitor(server.process.pid!);
  try {
    const pair = await startMessagePair(server.port, 'alice', 'bob');
    const peers: RawPeer[] = [];
    for (let batch = 0; batch < 10; batch++) {
      peers.push(...(await Promise.all(Array.from({ length: 100 }, () => rawConnect(server.port)))));
    }
    // Half of them keep talking (pings are allowed before auth): activity must not buy them time.
    const chatter = setInterval(() => {
      for (const peer of peers.slice(0, 500)) if (!peer.closed) peer.socket.write('{"op":"ping"}\n');
    }, 300);
    await waitUntil('every idle connection shed', 15_000, () => peers.every((peer) => peer.closed));
    clearInterval(chatter);
    const report = await pair.stop();
    const { startMb, peakMb } = rss.stop();
    const shed = peers.filter((peer) => peer.text.includes('"code":"auth_timeout"')).length;
    recordFigure({
      attack: '1000 unauthenticated connections', connectionsShed: shed, peakRssMb: peakMb, messagesLost: report.lost,
      note: `RSS at start ${startMb} MiB; alice→bob ${report.received} msgs, ${latencyNote(report.latenciesMs)}`,
    });
    assert.is(shed, 1000, 'every connection got auth_timeout');
    assert.ok(peers.every((peer) => peer.text.startsWith('{"op":"hello"')), 'each got hello first');
    assert.is(report.lost, 0);
    assert.ok(report.received > 20, `messages flowed during the flood (${report.received})`);
    // Generous: the test process itself drives the 1000 sockets on the same two cores.
    assert.ok(percentile(report.latenciesMs, 99) < 1_500, latencyNote(report.latenciesMs));
    assert.ok(peakMb - startMb < 100, `RSS grew ${round(peakMb - startMb)} MiB`);
  } finally {
    rss.stop();
    await server.stop();
  }
});

test('past --max-connections: server_busy instead of hello, no crash, service back when they leave', async () => {
  const server = await startServer({ operators: ['alice', 'bob'], args: ['--max-connections', '20', '--auth-timeout', '60'] });
  try {
    const alice = await ProtocolClient.login(server.port, 'alice');
    const holders = await Promise.all(Array.from({ length: 19 }, () => rawConnect(server.port)));
    await waitUntil('hello to every holder', 5_000, () => holders.every((peer) => peer.text.includes('hello')));
    const refused = await Promise.all(Array.from({ length: 200 }, () => rawConnect(server.port)));
    await waitUntil('every refused connection closed', 10_000, () => refused.every((peer) => peer.closed));
    const busy = refused.filter((peer) => /^\{"op":"error","code":"server_busy"[^\n]*\}\n$/.test(peer.text)).length;
    assert.is(busy, 200, 'each extra connection got exactly one server_busy error and was closed');
    alice.send({ op: 'ping', ref: 'still' });
    assert.is((await alice.next('pong')).ref, 'still');
    for (const peer of holders.slice(0, 10)) peer.socket.destroy();
    await sleep(200);
    const bob = await ProtocolClient.login(server.port, 'bob');
    alice.send({ op: 'send', to: 'bob', body: 'back', ref: 'b' });
    assert.is((await bob.next('msg')).body, 'back');
    recordFigure({ attack: '--max-connections 20, 200 more', connectionsShed: busy, messagesLost: 0, note: 'server_busy each; service back once 10 left' });
    for (const peer of holders) peer.socket.destroy();
    alice.close();
    bob.close();
  } finally {
    assert.is(await server.stop(), 0);
  }
});

/** Attempts the per-name throttle lets through from t = 0 to `windowMs` (src/domain/throttle.ts). */
function scheduleBound(windowMs: number): number {
  let t = 0;
  let allowed = 0;
  for (let failures = 1; t <= windowMs; failures++) {
    allowed++;
    t += failures <= 3 ? 0 : Math.min(60_000, 1_000 * 2 ** (failures - 4));
  }
  return allowed;
}

test('password guessing on one name from 50 connections: verified guesses stay under the bound; bob logs in meanwhile', async () => {
  const windowMs = Number(process.env.LITSXG_GUESS_WINDOW_MS ?? 60_000);
  const server = await startServer({ operators: ['alice', 'bob'] });
  const rss = new RssMonitor(server.process.pid!);
  let verified = 0;
  let limited = 0;
  let stopping = false;
  const retryAfter: number[] = [];
  const attacker = async (index: number) => {
    let guess = 0;
    while (!stopping) {
      const client = await ProtocolClient.connect(server.port);
      await client.next('hello');
      try {
        while (!stopping && !client.closed) {
          client.send({ op: 'auth', name: 'alice', password: `guess-${index}-${guess++}` });
          const answer = await client.next('error', 20_000);
          if (answer.code === 'auth_failed') verified++;
          else if (answer.code === 'rate_limited') {
            limited++;
            retryAfter.push(Number(answer.retry_after_ms));
            // An impatient attacker: retries well before it is told to.
            await sleep(20);
          } else if (answer.code !== 'auth_timeout') throw new Error(`unexpected ${JSON.stringify(answer)}`);
        }
      } catch (error) {
        if (!client.closed) throw error;
      } finally {
        client.close();
      }
    }
  };
  const started = Date.now();
  const attackers = Array.from({ length: 50 }, (_, i) => attacker(i));
  const loginMs: number[] = [];
  try {
    while (Date.now() - started < windowMs) {
      await sleep(2_000);
      const t = Date.now();
      const bob = await ProtocolClient.login(server.port, 'bob', PASSWORD);
      loginMs.push(Date.now() - t);
      bob.close();
    }
    const elapsed = Date.now() - started;
    stopping = true;
    const verifiedInWindow = verified;
    await Promise.all(attackers);
    const { peakMb } = rss.stop();
    const bound = scheduleBound(elapsed);
    recordFigure({
      attack: `password guessing, 50 connections, ${round(elapsed / 1000, 0)} s`, guessesPerMinute: round((verifiedInWindow * 60_000) / elapsed, 1), peakRssMb: peakMb,
      note: `${verifiedInWindow} verified (schedule bound ${bound}), ${limited} rate_limited; bob's logins max ${Math.max(...loginMs)} ms`,
    });
    assert.ok(verifiedInWindow <= bound, `verified ${verifiedInWindow} > bound ${bound}`);
    assert.ok(limited > 100, 'most tries were turned away without a hash');
    assert.ok(retryAfter.every((ms) => Number.isInteger(ms) && ms > 0), 'rate_limited carries retry_after_ms');
    assert.ok(Math.max(...loginMs) < 1_000, `bob logged in without delay: ${loginMs.join(', ')} ms`);
  } finally {
    stopping = true;
    rss.stop();
    await server.stop();
  }
});

test('a flooding sender gets rate_limited with retry_after_ms; others are unaffected, nothing accepted is lost', async () => {
  const server = await startServer({ operators: ['alice', 'bob', 'carol', 'dave'], args: ['--send-rate', '20'] });
  const rss = new RssMonitor(server.process.pid!);
  try {
    const pair = await startMessagePair(server.port, 'carol', 'dave');
    const alice = await ProtocolClient.login(server.port, 'alice');
    const bob = await ProtocolClient.login(server.port, 'bob');
    const bobGot = new Set<string>();
    bob.socket.on('data', () => {
      for (const frame of bob.received.splice(0)) if (frame.op === 'msg') bobGot.add(String(frame.id));
    });
    const started = Date.now();
    const flood = 5_000;
    for (let i = 0; i < flood; i++) alice.send({ op: 'send', to: 'bob', body: `flood ${i}`, ref: String(i) });
    await waitUntil('an answer to every send', 20_000, () => alice.received.filter((f) => f.ref !== undefined).length >= flood);
    const elapsed = Date.now() - started;
    const answers = alice.received.filter((f) => f.ref !== undefined);
    const accepted = answers.filter((f) => f.op === 'sent');
    const limited = answers.filter((f) => f.op === 'error' && f.code === 'rate_limited');
    await waitUntil('bob has every accepted message', 5_000, () => accepted.every((f) => bobGot.has(String(f.id))));
    const report = await pair.stop();
    const { peakMb } = rss.stop();
    const lost = accepted.filter((f) => !bobGot.has(String(f.id))).length + report.lost;
    recordFigure({
      attack: `flooding sender, ${flood} sends at --send-rate 20`, peakRssMb: peakMb, messagesLost: lost,
      note: `${accepted.length} accepted, ${limited.length} rate_limited in ${elapsed} ms; carol→dave ${latencyNote(report.latenciesMs)}`,
    });
    assert.is(accepted.length + limited.length, flood);
    assert.ok(accepted.length <= 40 + (20 * elapsed) / 1000 + 1, `the bucket held: ${accepted.length} in ${elapsed} ms`);
    assert.ok(limited.every((f) => typeof f.retry_after_ms === 'number' && f.retry_after_ms > 0 && f.retry_after_ms <= 1000));
    assert.is(lost, 0);
    assert.ok(percentile(report.latenciesMs, 99) < 500, latencyNote(report.latenciesMs));
    alice.close();
    bob.close();
  } finally {
    rss.stop();
    await server.stop();
  }
});

test('a recipient that never reads: RSS bounded, the sender gets queue_full, and everything accepted arrives later', async () => {
  const server = await startServer({ operators: ['alice', 'bob'], args: ['--send-rate', '0'] });
  const rss = new RssMonitor(server.process.pid!);
  try {
    const bob = await ProtocolClient.login(server.port, 'bob');
    bob.socket.pause();
    const alice = await ProtocolClient.login(server.port, 'alice');
    const body = 'x'.repeat(16_000);
    const offered = 2_000; // 32 MB offered against a 4 MiB queue
    for (let i = 0; i < offered; i += 100) {
      for (let j = i; j < i + 100; j++) alice.send({ op: 'send', to: 'bob', body, ref: String(j) });
      await waitUntil('answers', 10_000, () => alice.received.filter((f) => f.ref !== undefined).length >= i + 100);
    }
    const answers = alice.received.filter((f) => f.ref !== undefined);
    const accepted = answers.filter((f) => f.op === 'sent').map((f) => String(f.id));
    const full = answers.filter((f) => f.op === 'error' && f.code === 'queue_full').length;
    const { startMb, peakMb } = rss.stop();
    assert.is(accepted.length + full, offered);
    assert.ok(full > 0, 'queue_full once the queue is at its limit');
    assert.ok(accepted.length <= Math.floor(4_194_304 / 16_000), `${accepted.length} accepted`);
    bob.socket.resume();
    const got = new Set<string>();
    await waitUntil('bob reads everything accepted', 15_000, () => {
      for (const frame of bob.received.splice(0)) {
        if (frame.op !== 'msg') continue;
        got.add(String(frame.id));
        bob.send({ op: 'ack', id: frame.id });
      }
      return accepted.every((id) => got.has(id));
    });
    const lost = accepted.filter((id) => !got.has(id)).length;
    recordFigure({
      attack: 'recipient never reads, 32 MB offered', peakRssMb: peakMb, messagesLost: lost,
      note: `RSS at start ${startMb} MiB; ${accepted.length} accepted (4 MiB queue), ${full} queue_full`,
    });
    assert.is(lost, 0);
    assert.ok(peakMb - startMb < 64, `RSS grew ${round(peakMb - startMb)} MiB for a 4 MiB queue`);
    alice.close();
    bob.close();
  } finally {
    rss.stop();
    await server.stop();
  }
});

test('half-open connections (the peer goes silent, reads nothing, never closes) are freed by the idle timeout', async () => {
  const server = await startServer({ operators: ['alice', 'bob', 'carol'], args: ['--idle-timeout', '2'] });
  try {
    const alice = await ProtocolClient.login(server.port, 'alice');
    const carol = await ProtocolClient.login(server.port, 'carol');
    // carol vanishes mid-frame: a partial line is held, then nothing more ever comes.
    carol.sendRaw('{"op":"pi');
    alice.socket.pause();
    carol.socket.pause();
    const started = Date.now();
    let online: unknown[] = ['alice', 'carol'];
    const bob = await ProtocolClient.login(server.port, 'bob');
    while ((online.includes('alice') || online.includes('carol')) && Date.now() - started < 10_000) {
      await sleep(250);
      bob.send({ op: 'who' });
      online = (await bob.next('online')).names as unknown[];
    }
    const freedAfter = Date.now() - started;
    const idled = server.logs.filter((entry) => entry.event === 'connection_closed_on_error' && entry.code === 'idle_timeout').length;
    recordFigure({ attack: 'half-open connections, --idle-timeout 2', connectionsShed: idled, note: `freed after ${freedAfter} ms` });
    assert.equal(online, ['bob'], 'both silent sessions are gone');
    assert.is(idled, 2);
    assert.ok(freedAfter < 2_000 + 1_000 + 2_000 + 1_000, `freed after ${freedAfter} ms`);
    alice.close();
    bob.close();
    carol.close();
  } finally {
    assert.is(await server.stop(), 0);
  }
});

test.run();

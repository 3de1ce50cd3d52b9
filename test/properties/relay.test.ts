import * as fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import type { BufferLimits, NewMessage } from '../../src/domain/messages.ts';
import type { EnqueueResult } from '../../src/ports/message-buffer.ts';
import { PORT_MODES, inProcessRelay } from '../support/in-process-relay.ts';
import { PASSWORD } from '../support/seed-operators.ts';

/** The memory buffer, remembering the sequence number each message got: the order accepted. */
class SequenceRecordingBuffer extends InMemoryMessageBuffer {
  readonly seqById = new Map<string, number>();
  override enqueue(to: string, message: NewMessage, limits: BufferLimits): EnqueueResult {
    const result = super.enqueue(to, message, limits);
    if (result.ok) this.seqById.set(result.id, result.seq);
    return result;
  }
}

const OPERATORS = ['alice', 'bob', 'carol'];
const SLOTS = 4;
const TTL_MS = 60_000;

type Action =
  | { kind: 'open' | 'close' | 'block' | 'unblock' | 'who' | 'ping' | 'quit'; slot: number }
  | { kind: 'auth'; slot: number; name: number; good: boolean }
  | { kind: 'register'; slot: number; name: string }
  | { kind: 'send'; slot: number; to: number; body: string; ref: string | undefined }
  | { kind: 'ack'; slot: number; picks: number[]; unknown: boolean }
  | { kind: 'raw'; slot: number; line: string | null }
  | { kind: 'advance'; slot: number; ms: number };

const slot = fc.nat({ max: SLOTS - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('open' as const), slot }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('close' as const, 'block' as const, 'unblock' as const, 'who' as const, 'ping' as const, 'quit' as const), slot }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('auth' as const), slot, name: fc.nat({ max: OPERATORS.length }), good: fc.constantFrom(true, true, true, false) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('register' as const), slot, name: fc.constantFrom('dave', 'alice', 'x') }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('send' as const), slot, to: fc.nat({ max: OPERATORS.length }), body: fc.string({ minLength: 0, maxLength: 12 }), ref: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('ack' as const), slot, picks: fc.array(fc.nat(), { maxLength: 4 }), unknown: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), slot, line: fc.oneof(fc.constant(null), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('{"op":"constructor"}', '{"op":"__proto__"}', '{"op":"send","to":1}', '[]', '{}')) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), slot, ms: fc.constantFrom(10, 500, 5_000, TTL_MS) }) },
);
/** Rounds of actions; the actions of one round on different connections run concurrently. */
const scenario = fc.record({
  rounds: fc.array(fc.array(action, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 60 }),
  sendRate: fc.constantFrom(0, 3),
  queueMax: fc.constantFrom(3, 1000),
  registration: fc.constantFrom('open' as const, 'closed' as const),
});

/** Batches of 300 runs at most, while the interesting cases have not all been met. */
const MAX_BATCHES = 4;

for (const mode of PORT_MODES) {
  const test = suite(`relay property, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);
  const totals = { accepted: 0, acked: 0, expired: 0, redelivered: 0 };

  test('random frame sequences from several connections: nothing escapes, queues stay consistent, no duplicate pushes', async () => {
    const metTheInterestingCases = () => totals.accepted > 100 && totals.acked > 10 && totals.expired > 0 && totals.redelivered > 0;
    // Redelivery needs a second login while pushed messages wait unacknowledged, which 300 random
    // runs now and then miss (seen once in async mode): more batches run until every interesting
    // case was met (the property holds in each).
    for (let batch = 0; batch < MAX_BATCHES && (batch === 0 || !metTheInterestingCases()); batch++) await fc.assert(
      fc.asyncProperty(scenario, async ({ rounds, sendRate, queueMax, registration }) => {
        const buffer = new SequenceRecordingBuffer();
        const limits = { maxMessagesPerRecipient: queueMax, maxBytesPerRecipient: 4096, maxBytesTotal: 1 << 20, ttlMs: TTL_MS };
        const h = inProcessRelay({ buffer, mode, config: { sendRatePerSecond: sendRate, registration, buffer: limits } });
        await h.addOperators(...OPERATORS);
        // Most of the action is between authenticated operators: start with three of them online.
        const slots: (string | undefined)[] = [...(await Promise.all(OPERATORS.map((name) => h.login(name)))), undefined];
        const accepted = new Map<string, { to: string; ts: number }>();
        const acked = new Set<string>();
        const seenBy = new Map<string, string[]>();

        const run = async (a: Action): Promise<void> => {
          const conn = slots[a.slot];
          if (a.kind === 'open') {
            if (conn === undefined) slots[a.slot] = h.open();
            return;
          }
          if (a.kind === 'advance') return void h.clock.advance(a.ms);
          if (conn === undefined) return;
          switch (a.kind) {
            case 'close':
              slots[a.slot] = undefined;
              return h.relay.onClose(conn);
            case 'block':
              return void h.gateway.blocked.add(conn);
            case 'unblock':
              h.gateway.blocked.delete(conn);
              return h.relay.onDrain(conn);
            case 'who':
            case 'ping':
            case 'quit':
              return void (await h.frame(conn, { op: a.kind }));
            case 'auth':
              return void (await h.frame(conn, { op: 'auth', name: OPERATORS[a.name] ?? 'nobody', password: a.good ? PASSWORD : 'wrong password!' }));
            case 'register':
              return void (await h.frame(conn, { op: 'register', name: a.name, password: PASSWORD }));
            case 'send': {
              const to = OPERATORS[a.to] ?? 'nobody';
              const ts = h.clock.now();
              const replies = await h.frame(conn, { op: 'send', to, body: a.body, ...(a.ref === undefined ? {} : { ref: a.ref }) });
              for (const reply of replies) if (reply.op === 'sent' && reply.copies === undefined) accepted.set(reply.id, { to, ts });
              return;
            }
            case 'ack': {
              const session = h.sessions.get(conn);
              const seen = seenBy.get(conn) ?? [];
              const ids = a.picks.map((p) => seen[p % Math.max(1, seen.length)]).filter((id): id is string => id !== undefined);
              if (a.unknown) ids.push('m-unknown');
              // The core ignores frames on a connection it is closing (after quit, say).
              const name = session?.closing === false ? session.name : undefined;
              await h.frame(conn, { op: 'ack', ids });
              if (name !== undefined) for (const id of ids) if (accepted.get(id)?.to === name) acked.add(id);
              return;
            }
            case 'raw':
              return h.relay.onFrame(conn, a.line);
          }
        };

        const observe = () => {
          for (const [conn, frames] of h.gateway.frames) {
            seenBy.set(conn, frames.filter((f): f is Extract<OutboundFrame, { op: 'msg' }> => f.op === 'msg').map((f) => f.id));
          }
        };

        for (const round of rounds) {
          const bySlot = new Map<number, Action[]>();
          for (const a of round) bySlot.set(a.slot, [...(bySlot.get(a.slot) ?? []), a]);
          // The transport serializes one connection's events; different connections interleave.
          await Promise.all([...bySlot.values()].map(async (actions) => {
            for (const a of actions) await run(a);
          }));
          observe();
          // The transport reports the close of every socket the core closed.
          for (let i = 0; i < SLOTS; i++) {
            const conn = slots[i];
            if (conn !== undefined && h.gateway.closed.has(conn)) {
              slots[i] = undefined;
              await h.relay.onClose(conn);
            }
          }
        }

        // Nothing stuck: once every live connection drains, each has everything queued for it.
        for (const conn of slots) {
          if (conn === undefined) continue;
          h.gateway.blocked.delete(conn);
          await h.relay.onDrain(conn);
        }
        observe();

        const errors = [...h.gateway.frames.values()].flat().filter((f) => f.op === 'error' && f.code === 'internal');
        assert.equal(errors, [], 'no internal error');
        assert.equal(h.logger.entries.filter((e) => e.level === 'error'), []);

        const replaced = new Set<string>();
        for (const frames of h.gateway.frames.values()) {
          const welcome = frames.find((f) => f.op === 'welcome');
          if (welcome?.op === 'welcome' && frames.some((f) => f.op === 'bye' && f.reason === 'replaced')) replaced.add(welcome.name);
        }
        const firstPushedOn = new Map<string, string>();
        for (const [conn, frames] of h.gateway.frames) {
          const msgs = frames.filter((f): f is Extract<OutboundFrame, { op: 'msg' }> => f.op === 'msg');
          const ids = msgs.map((m) => m.id);
          assert.is(new Set(ids).size, ids.length, `no message pushed twice on ${conn}`);
          const seqs = ids.map((id) => buffer.seqById.get(id));
          assert.ok(seqs.every((seq) => seq !== undefined), `every message pushed on ${conn} was accepted`);
          assert.equal(seqs, [...seqs].sort((x, y) => x - y), `order accepted, on ${conn}`);
          for (const m of msgs) {
            // Connections are numbered in opening order, so the first connection to get it comes first.
            const first = firstPushedOn.get(m.id);
            if (first === undefined) {
              firstPushedOn.set(m.id, conn);
              // The one exception: a push racing a takeover of its recipient is dropped with the
              // replaced connection, yet counts as pushed (docs/protocol.md, "Messages").
              if (m.redelivered) assert.ok(replaced.has(accepted.get(m.id)!.to), `first delivery of ${m.id} not flagged`);
            } else assert.is(m.redelivered, true, `delivery of ${m.id} again, on ${conn}, is flagged`);
          }
        }

        const pending = new Set<string>();
        for (const name of OPERATORS) {
          for (const m of await buffer.take(name, 0, Number.MAX_SAFE_INTEGER, h.clock.now())) {
            if (accepted.has(m.id)) pending.add(m.id);
            // Accepted while its sender's connection was being replaced: the `sent` went to a closed connection.
            else assert.ok(replaced.has(m.from), `${m.id} queued but never reported sent`);
          }
        }
        let expired = 0;
        for (const [id, { ts }] of accepted) {
          if (pending.has(id) || acked.has(id)) continue;
          assert.ok(ts + TTL_MS <= h.clock.now(), `message ${id} neither acknowledged, pending nor expired`);
          expired++;
        }
        const ackedAndGone = [...acked].filter((id) => !pending.has(id)).length;
        assert.is(ackedAndGone + pending.size + expired, accepted.size, 'every accepted message is accounted for');
        totals.accepted += accepted.size;
        totals.acked += ackedAndGone;
        totals.expired += expired;
        totals.redelivered += [...h.gateway.frames.values()].flat().filter((f) => f.op === 'msg' && f.redelivered === true).length;
        for (const id of acked) assert.not.ok(pending.has(id), `acknowledged ${id} is gone from the queue`);

        for (const conn of slots) {
          const name = conn === undefined ? undefined : h.sessions.get(conn)?.name;
          if (conn === undefined || name === undefined) continue;
          const delivered = new Set(seenBy.get(conn));
          for (const m of await buffer.take(name, 0, Number.MAX_SAFE_INTEGER, h.clock.now())) {
            assert.ok(delivered.has(m.id), `${m.id} waiting for live ${name} was pushed to ${conn}`);
          }
        }
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
    // The property is only as good as the cases it met: make sure it met the interesting ones.
    assert.ok(metTheInterestingCases(), JSON.stringify(totals));
  });

  test.run();
}

import { randomBytes } from 'node:crypto';
import type { BenchConnection } from './bench-connection.ts';
import type { Figures } from './pairs-workload.ts';
import { benchNames, closeAll, loginAll, sleep, until, type WorkloadContext } from './workload-context.ts';

export interface GroupsOptions {
  /** Members of the group, the sender included. */
  members: number;
  /** Deliveries measured in each phase. */
  deliveries: number;
  /** Frames the sender keeps unanswered. */
  window: number;
}

/** The target's group: ten members. */
export const GROUP_MEMBERS = 10;
/** Deliveries measured in each phase. */
export const GROUP_DELIVERIES = 90_000;
const SETTLE_MS = 500;
const PHASE_TIMEOUT_MS = 120_000;
/** About a real ts-mls application message's size (473 characters of mls1 text). */
const CIPHERTEXT_BYTES = 300;

/**
 * docs/protocol.md "Groups", the target "a group message fanned out to M members costs the relay
 * at most 1.2× the CPU of the same deliveries sent as direct messages": the first member sends
 * the same MLS body to the others, first as direct `send`s, then as `group_send`s, each phase
 * until `deliveries` copies are received and acknowledged, and the server's CPU per delivery is
 * compared. Only the real server speaks groups (`--target real`).
 */
export async function runGroups(ctx: WorkloadContext, options: GroupsOptions): Promise<Figures> {
  const names = Array.from({ length: options.members }, (_, i) => benchNames.pool(i));
  let received = 0;
  const conns = await loginAll(ctx, names, 8, {
    beforeLogin: (conn) => {
      conn.onFrame = (frame) => {
        if (frame.op !== 'msg') return;
        received++;
        conn.send(`{"op":"ack","id":${JSON.stringify(frame.id)}}`, true);
      };
    },
  });
  try {
    const [sender] = conns as [BenchConnection];
    const others = names.slice(1);
    // A new group each run: the routing table outlives the server in its data directory.
    const groupId = randomBytes(32);
    sender.send(JSON.stringify({ op: 'group_commit', body: mlsBody(groupId, 0, 3), members: names }), true);
    const committed = await sender.waitFor((frame) => frame.op === 'committed' || frame.op === 'error', ctx.timeoutMs);
    if (committed.op !== 'committed') {
      throw new Error(`group_commit got ${String(committed.code)}${committed.code === 'unknown_op' ? ': groups measures the real server (--target real)' : ''}`);
    }
    const body = mlsBody(groupId, 1, 1);
    const direct = others.map((to) => JSON.stringify({ op: 'send', to, body }));
    const group = JSON.stringify({ op: 'group_send', body });
    const phase = async (frames: readonly string[], copiesPerFrame: number): Promise<number> => {
      received = 0;
      const before = ctx.server?.sample().cpuSeconds ?? Number.NaN;
      const total = Math.ceil(options.deliveries / copiesPerFrame);
      let sent = 0;
      let answered = 0;
      sender.onFrame = (frame) => {
        if (frame.op === 'sent' || frame.op === 'error') answered++;
        while (sent < total && sent - answered < options.window) sender.send(frames[sent++ % frames.length]!, true);
      };
      while (sent < Math.min(total, options.window)) sender.send(frames[sent++ % frames.length]!, true);
      const expected = total * copiesPerFrame;
      if (!(await until(() => received >= expected && answered >= total, PHASE_TIMEOUT_MS))) {
        throw new Error(`groups: ${received} of ${expected} deliveries in time`);
      }
      await sleep(SETTLE_MS);
      return (((ctx.server?.sample().cpuSeconds ?? Number.NaN) - before) * 1e6) / expected;
    };
    const directUs = await phase(direct, 1);
    const groupUs = await phase([group], options.members - 1);
    return { direct_cpu_us_per_delivery: directUs, group_cpu_us_per_delivery: groupUs, group_to_direct_cpu: groupUs / directUs };
  } finally {
    closeAll(conns);
  }
}

/** An MLS PrivateMessage of the bench group (RFC 9420 §6.3 header, then stand-in ciphertext). */
function mlsBody(groupId: Buffer, epoch: number, contentType: number): string {
  const header = [0, 1, 0, 2, groupId.length, ...groupId, 0, 0, 0, 0, 0, 0, 0, epoch, contentType];
  return `mls1.${Buffer.from([...header, ...Buffer.alloc(CIPHERTEXT_BYTES, 0xa5)]).toString('base64')}`;
}

import type { TestDevice } from '../test/support/mls-team.ts';
import { TestTeam } from '../test/support/mls-team.ts';
import { longestStall } from '../test/support/event-loop-stall.ts';

/**
 * `tsx bench/commit-stall.ts [MEMBERS]`: the longest time the event loop is held (a terminal
 * frozen) while a member of a MEMBERS-member X-Wing group (100 by default) adds one more, and
 * while the newcomer joins from the welcome. The group is grown by its founder alone: a sparse
 * tree, the costliest path to encrypt. Wall time includes the process being descheduled on a
 * busy machine; the CPU figure is the process's own.
 */
const members = Number(process.argv[2] ?? 100);
const team = new TestTeam();
const founder = await team.device('op0');
const group = await founder.core.create({ kind: 'group', name: 'everyone' });
for (let start = 1; start < members; start += 25) {
  const joining: TestDevice[] = [];
  for (let i = start; i < Math.min(members, start + 25); i++) joining.push(await team.device(`op${i}`));
  if (await founder.commit(async (core) => core.add(group, await team.packagesOf(...joining))) !== 'committed') throw new Error('refused');
}
const show = (what: string, stall: Awaited<ReturnType<typeof longestStall>>) => process.stdout.write(
  `${what}: ${stall.tookMs.toFixed(0)} ms in all; longest stall ${stall.wallMs.toFixed(0)} ms (${stall.cpuMs.toFixed(0)} ms of it on the CPU)\n`);
for (let round = 0; round < 10; round++) {
  const newcomer = await team.device(`late${round}`);
  const packages = await team.packagesOf(newcomer);
  show(`add to ${members + round}`, await longestStall(() => founder.commit((core) => core.add(group, packages))));
  show(`  join of the newcomer`, await longestStall(() => newcomer.drain()));
}

import type { CiphersuiteName } from 'ts-mls';
import { CLASSICAL_SUITE, DEFAULT_SUITE } from '../src/client/conversations/mls-suite.ts';
import type { TestDevice } from '../test/support/mls-team.ts';
import { TestTeam, buildGroup } from '../test/support/mls-team.ts';
import { median } from './stats.ts';

/**
 * `npm run bench:mls [MEMBERS]`: what MLS costs a client, for the default suite (X-Wing) and the
 * classical one, in a group of MEMBERS operators (100 by default): the sizes of what goes over
 * the relay and of the state kept, and the CPU of each operation (medians, one thread).
 */
const members = Number(process.argv[2] ?? 100);
// Sixty: with fifteen, background GC work after the group's build (process.cpuUsage counts V8's helper
// threads) could take the median of a run.
const ROUNDS = 60;

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function cpuMs(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function measureSuite(suite: CiphersuiteName): Promise<void> {
  const team = new TestTeam(suite);
  const { group, devices } = await buildGroup(team, members);
  const [alice, bob] = devices as [TestDevice, TestDevice];
  const keyPackage = (await team.packagesOf(await team.device('sizer')))[0]!;
  const encrypt: number[] = [];
  const decrypt: number[] = [];
  const write: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let body = '';
    encrypt.push(await cpuMs(async () => { body = await alice.core.encrypt(group, `message ${i}`, `m${i}`); }));
    // The state's write, once a burst (GroupStates.advance), measured apart.
    write.push(await cpuMs(() => alice.core.flush()));
    decrypt.push(await cpuMs(() => bob.core.receive(alice.mailbox, body)));
    await bob.core.flush();
  }
  const add: number[] = [];
  let sizes = { welcome: 0, add: 0, update: 0, remove: 0 };
  for (let i = 0; i < 5; i++) {
    const newcomer = await team.device(`late${i}`);
    const packages = await team.packagesOf(newcomer);
    let commit;
    add.push(await cpuMs(async () => { commit = await alice.core.add(group, packages); }));
    sizes = { ...sizes, add: commit!.body.length, welcome: commit!.welcome!.length };
    await alice.core.commitRefused(group);
  }
  const update = await alice.core.update(group);
  await alice.core.commitRefused(group);
  const remove = await alice.core.remove(group, bob.keys.name);
  await alice.core.commitRefused(group);
  const state = (await alice.store.get(`group/${[...Buffer.from(group, 'base64')].map((b) => b.toString(16).padStart(2, '0')).join('')}`))!;
  process.stdout.write([
    `${suite}, ${members} members:`,
    `  key package ${kib(keyPackage.package.length)}; welcome (tree included) ${kib(sizes.welcome)}; commits: add ${kib(sizes.add)}, update ${kib(update.body.length)}, remove ${kib(remove.body.length)} (base64 bodies)`,
    `  group state ${kib(state.length)}`,
    `  CPU medians: encrypt ${median(encrypt).toFixed(2)} ms, decrypt ${median(decrypt).toFixed(2)} ms, writing the state once a burst ${median(write).toFixed(2)} ms, add one member (commit + welcome) ${median(add).toFixed(1)} ms`,
    '',
  ].join('\n'));
}

for (const suite of [DEFAULT_SUITE, CLASSICAL_SUITE]) await measureSuite(suite);

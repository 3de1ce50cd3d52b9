import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { GroupDirectory } from '../../src/ports/group-directory.ts';

export interface GroupDirectoryHarness {
  readonly groups: GroupDirectory;
  /** Another client of the same store (another instance or process), to race with. */
  other(): Promise<{ groups: GroupDirectory; close(): Promise<void> }>;
  dispose(): Promise<void>;
}

const G = `${'G'.repeat(42)}A=`;
const H = `${'H'.repeat(42)}A=`;

/** STYLE 5: every GroupDirectory adapter passes this one suite. */
export function groupDirectoryContract(name: string, make: () => Promise<GroupDirectoryHarness>): void {
  const it = suite<{ h: GroupDirectoryHarness }>(`GroupDirectory: ${name}`);
  it.before.each(async (context) => {
    context.h = await make();
  });
  it.after.each(async (context) => {
    await context.h.dispose();
  });

  it('the first commit at epoch 0 creates the group with its committer, then routes to the declared members', async ({ h }) => {
    assert.is(await h.groups.find(G), undefined);
    assert.equal(await h.groups.commit(G, 0, 'alice', ['alice', 'bob/dev1']), { ok: true, previous: ['alice'] });
    assert.equal(await h.groups.find(G), { epoch: 1, members: ['alice', 'bob/dev1'], committer: 'alice' });
    assert.equal(await h.groups.commit(G, 1, 'bob/dev1', ['bob/dev1', 'carol']), { ok: true, previous: ['alice', 'bob/dev1'] });
    assert.equal(await h.groups.find(G), { epoch: 2, members: ['bob/dev1', 'carol'], committer: 'bob/dev1' }, 'with whose commit made the epoch');
    assert.is(await h.groups.find(H), undefined, 'groups are apart');
  });

  it('a commit at an epoch already passed is stale and tells the current epoch; nothing changes', async ({ h }) => {
    await h.groups.commit(G, 0, 'alice', ['alice', 'bob']);
    assert.equal(await h.groups.commit(G, 0, 'alice', ['alice']), { ok: false, code: 'stale_epoch', current: 1 });
    assert.equal(await h.groups.commit(G, 5, 'bob', ['bob']), { ok: false, code: 'stale_epoch', current: 1 });
    assert.equal(await h.groups.find(G), { epoch: 1, members: ['alice', 'bob'], committer: 'alice' });
  });

  it('a committer that is not a member, or a group unknown past epoch 0, is no_such_group; nothing changes', async ({ h }) => {
    assert.equal(await h.groups.commit(G, 3, 'alice', ['alice']), { ok: false, code: 'no_such_group' });
    assert.is(await h.groups.find(G), undefined);
    await h.groups.commit(G, 0, 'alice', ['alice', 'bob']);
    assert.equal(await h.groups.commit(G, 1, 'mallory', ['mallory']), { ok: false, code: 'no_such_group' });
    assert.equal(await h.groups.commit(G, 0, 'mallory', ['mallory']), { ok: false, code: 'no_such_group' }, 'the epoch is not told to outsiders');
    assert.equal(await h.groups.find(G), { epoch: 1, members: ['alice', 'bob'], committer: 'alice' });
  });

  it('concurrent commits of one epoch from two clients of the store: exactly one wins, the others are stale', async ({ h }) => {
    const other = await h.other();
    try {
      await h.groups.commit(G, 0, 'alice', ['alice', 'bob', 'carol']);
      const stores = [h.groups, other.groups];
      const committers = ['alice', 'bob', 'carol', 'alice', 'bob', 'carol'];
      const outcomes = await Promise.all(committers.map((who, i) => stores[i % 2]!.commit(G, 1, who, [who, 'alice', 'bob', 'carol'].filter((m, j, all) => all.indexOf(m) === j))));
      const winners = outcomes.filter((outcome) => outcome.ok);
      assert.is(winners.length, 1, JSON.stringify(outcomes));
      for (const outcome of outcomes) if (!outcome.ok) assert.equal(outcome, { ok: false, code: 'stale_epoch', current: 2 });
      assert.is((await other.groups.find(G))?.epoch, 2);
      // Two groups created at once by two committers: one creates, the other learns it is stale or not a member.
      const created = await Promise.all([h.groups.commit(H, 0, 'dave', ['dave']), other.groups.commit(H, 0, 'erin', ['erin'])]);
      assert.is(created.filter((outcome) => outcome.ok).length, 1, JSON.stringify(created));
    } finally {
      await other.close();
    }
  });

  it('a long run of commits from two clients, each retrying on stale_epoch, counts every epoch once', async ({ h }) => {
    const other = await h.other();
    try {
      await h.groups.commit(G, 0, 'alice', ['alice', 'bob']);
      let wins = 0;
      const worker = async (groups: GroupDirectory, who: string) => {
        for (let mine = 0; mine < 10;) {
          const current = (await groups.find(G))!.epoch;
          const outcome = await groups.commit(G, current, who, ['alice', 'bob']);
          if (outcome.ok) {
            mine++;
            wins++;
          }
        }
      };
      await Promise.all([worker(h.groups, 'alice'), worker(other.groups, 'bob')]);
      assert.equal([wins, (await h.groups.find(G))?.epoch], [20, 21]);
    } finally {
      await other.close();
    }
  });

  it('partners: the other operators sharing a group with any of the operator\'s mailboxes, once each; no one else', async ({ h }) => {
    await h.groups.commit(G, 0, 'alice', ['alice', 'bob/dev1', 'bob/dev2', 'carol']);
    await h.groups.commit(H, 0, 'a_b/dev3', ['a_b/dev3', 'dave']);
    assert.equal(await h.groups.partners('alice'), ['bob', 'carol']);
    assert.equal(await h.groups.partners('bob'), ['alice', 'carol'], 'through its devices\' mailboxes, named once');
    assert.equal(await h.groups.partners('a_b'), ['dave']);
    assert.equal(await h.groups.partners('axb'), [], '`_` is not a wildcard');
    assert.equal(await h.groups.partners('dave'), ['a_b']);
    assert.equal(await h.groups.partners('erin'), []);
    await h.groups.commit(G, 1, 'alice', ['alice', 'carol']);
    assert.equal(await h.groups.partners('bob'), [], 'removed from the group, bob shares nothing');
  });

  it.run();
}

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Presence } from '../../src/ports/presence.ts';

export interface PresenceHarness {
  readonly presence: Presence;
  dispose(): Promise<void>;
}

/** PROTOCOL "Session" 6 and `who`, as every Presence adapter must keep them (STYLE 5). */
export function presenceContract(name: string, make: () => Promise<PresenceHarness>): void {
  const it = suite<{ h: PresenceHarness }>(`Presence: ${name}`);
  it.before.each(async (context) => {
    context.h = await make();
  });
  it.after.each(async ({ h }) => {
    await h.dispose();
  });

  it('claims a name for a connection and finds it again', async ({ h }) => {
    assert.is(await h.presence.lookup('alice'), undefined);
    assert.is(await h.presence.claim('alice', 'c-1'), undefined);
    assert.is(await h.presence.lookup('alice'), 'c-1');
    assert.is(await h.presence.lookup('bob'), undefined);
  });

  it('a second claim replaces the first and returns it', async ({ h }) => {
    await h.presence.claim('alice', 'c-1');
    assert.is(await h.presence.claim('alice', 'c-2'), 'c-1');
    assert.is(await h.presence.lookup('alice'), 'c-2');
    assert.equal(await h.presence.online(), ['alice']);
  });

  it('only the connection holding the name releases it', async ({ h }) => {
    await h.presence.claim('alice', 'c-1');
    await h.presence.claim('alice', 'c-2');
    await h.presence.release('alice', 'c-1');
    assert.is(await h.presence.lookup('alice'), 'c-2', 'the replaced connection closing late changes nothing');
    await h.presence.release('alice', 'c-2');
    assert.is(await h.presence.lookup('alice'), undefined);
    assert.equal(await h.presence.online(), []);
    await h.presence.release('nobody', 'c-9');
  });

  it('lists who is online, sorted', async ({ h }) => {
    assert.equal(await h.presence.online(), []);
    for (const [name, connection] of [['carol', 'c-3'], ['alice', 'c-1'], ['bob.b', 'c-2'], ['bob', 'c-4']] as const) {
      await h.presence.claim(name, connection);
    }
    assert.equal(await h.presence.online(), ['alice', 'bob', 'bob.b', 'carol']);
    await h.presence.release('bob', 'c-4');
    assert.equal(await h.presence.online(), ['alice', 'bob.b', 'carol']);
  });

  it.run();
}

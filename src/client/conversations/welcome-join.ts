import type { CiphersuiteImpl, MLSMessage } from 'ts-mls';
import { emptyPskIndex, joinGroup } from 'ts-mls';
import type { ConversationEvent } from './conversation-events.ts';
import { refused } from './conversation-events.ts';
import type { deviceClientConfig } from './device-client-config.ts';
import type { GroupMeta } from './group-meta.ts';
import { readGroupMeta } from './group-meta.ts';
import { isDirectBetween, leavesOf } from './group-members.ts';
import type { GroupStates } from './group-states.ts';
import type { KeyPackages } from './key-packages.ts';

type Welcome = Extract<MLSMessage, { wireformat: 'mls_welcome' }>['welcome'];

/** What joining needs of the conversation core. */
export interface Joining {
  readonly suite: CiphersuiteImpl;
  readonly config: ReturnType<typeof deviceClientConfig>;
  readonly keyPackages: KeyPackages;
  readonly states: GroupStates;
  /** This device's operator. */
  readonly me: string;
  readonly metas: () => GroupMeta[];
}

/** A welcome for one of this device's key packages: the group joined, saved, and the package used. */
export async function joinWelcome(core: Joining, from: string, welcome: Welcome): Promise<ConversationEvent[]> {
  for (const secret of welcome.secrets) {
    const stored = await core.keyPackages.find(secret.newMember);
    if (stored === undefined) continue;
    const state = await joinGroup(welcome, stored.publicPackage, stored.privatePackage, emptyPskIndex, core.suite, undefined, undefined, core.config);
    const meta = readGroupMeta(state.groupContext.extensions);
    if (meta === undefined) return [refused(from, 'a conversation without a name')];
    // A "direct" conversation holds its two operators' devices only, or it is no direct one;
    // a second group of a name would take over what is typed to the first.
    if (meta.kind === 'direct' && !isDirectBetween(meta, leavesOf(state), core.me)) return [refused(from, `an invitation to a conversation calling itself direct (${meta.name}) with others in it`)];
    if (meta.kind === 'group' && core.metas().some((m) => m.kind === 'group' && m.name === meta.name)) return [refused(from, `an invitation to a second group named #${meta.name}`)];
    const group = await core.states.add(state, meta);
    await core.keyPackages.used(secret.newMember, stored);
    return [{ kind: 'joined', group, meta, members: leavesOf(state) }];
  }
  return [refused(from, 'an invitation for a key package this device does not hold')];
}

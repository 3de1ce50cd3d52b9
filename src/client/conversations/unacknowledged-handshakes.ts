import type { OutgoingCommit } from './conversation-events.ts';
import type { GroupMeta } from './group-meta.ts';
import { KeptCommits } from './kept-commits.ts';
import { PendingWelcomes } from './pending-welcomes.ts';
import type { Requests } from './requests.ts';
import type { RelayCopies } from './resent-copies.ts';

/** A conversation this device is in, as far as re-sending needs it. */
interface Held {
  readonly group: string;
  readonly meta: GroupMeta;
  readonly epoch: bigint;
}

/**
 * What our commits sent that a member has not acknowledged (docs/protocol.md "Restarts"): the
 * commit's copies to the members already in (KeptCommits) and the welcome's to the new ones
 * (PendingWelcomes). After a relay restart they go again, the commits first: a member that
 * missed one reads nothing after it.
 */
export class UnacknowledgedHandshakes {
  private readonly commits = new KeptCommits();
  private readonly welcomes = new PendingWelcomes();

  /** After `committed`; `before`, the group's members before the commit. */
  committed(commit: OutgoingCommit, before: readonly string[], answer: RelayCopies): void {
    this.commits.committed(commit, before, answer);
    this.welcomes.committed(commit, before, answer);
  }

  /** A receipt of a copy of one of ours: what it confirmed (for a welcome's, the group it invited `to` to); undefined for any other. */
  confirmed(id: string, to: string): { readonly invitedTo?: string } | undefined {
    if (this.commits.confirmed(id, to)) return {};
    const group = this.welcomes.confirmed(id, to);
    return group === undefined ? undefined : { invitedTo: group };
  }

  /** The relay restarted: each goes again; a line for each that could not, for the person. */
  async resend(requests: Requests, groups: readonly Held[]): Promise<string[]> {
    const meta = (group: string) => groups.find((g) => g.group === group)?.meta;
    const labelOf = (group: string) => {
      const found = meta(group);
      return found === undefined ? 'a conversation this device has left' : found.kind === 'group' ? `#${found.name}` : `the conversation of ${found.name.split(',').join(' and ')}`;
    };
    return [
      ...await this.commits.resend(requests, labelOf),
      ...await this.welcomes.resend(requests, (group) => groups.find((g) => g.group === group)?.epoch),
    ];
  }
}

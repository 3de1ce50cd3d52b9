import type { Mailbox } from '../domain/mailbox.ts';
import type { OperatorName } from '../domain/names.ts';
import { token } from './token.ts';

/** A group's routing entry (docs/protocol.md "Groups"): its MLS epoch and who gets its messages. */
export interface GroupRoute {
  readonly epoch: number;
  readonly members: readonly Mailbox[];
  /** Whose commit made this epoch (unknown for groups committed before it was kept). */
  readonly committer?: Mailbox;
}

export type GroupCommitOutcome =
  /** `previous`: the members before the commit (the committer among them). */
  | { ok: true; previous: readonly Mailbox[] }
  /** The group moved past `epoch` first; `current` is where it is. */
  | { ok: false; code: 'stale_epoch'; current: number }
  /** No such group, or the committer is not one of its members. */
  | { ok: false; code: 'no_such_group' };

/**
 * The routing table of MLS groups, in the credential database: routing metadata, never
 * content. Shared by every instance on PostgreSQL.
 */
export interface GroupDirectory {
  find(group: string): Promise<GroupRoute | undefined>;
  /**
   * docs/protocol.md "Groups", first commit wins: atomically, when `group` is at `epoch` and
   * `committer` is a member, moves it to `epoch + 1` with `members` and `committer` (across
   * instances and processes). A group unknown at epoch 0 is created with the committer first.
   */
  commit(group: string, epoch: number, committer: Mailbox, members: readonly Mailbox[]): Promise<GroupCommitOutcome>;
  /**
   * docs/protocol.md "Presence": the other operators with a mailbox in a group where one of
   * `operator`'s mailboxes is a member now, sorted.
   */
  partners(operator: OperatorName): Promise<OperatorName[]>;
}
export const GroupDirectory = token<GroupDirectory>('GroupDirectory');

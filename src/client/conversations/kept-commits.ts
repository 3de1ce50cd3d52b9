import type { OutgoingCommit } from './conversation-events.ts';
import { upload, UPLOAD_PART_CHARS } from './commit-sender.ts';
import type { GroupResendFrame, ServerFrame } from './frame-link.ts';
import type { Requests } from './requests.ts';
import type { RelayCopies } from './resent-copies.ts';
import { copiesTo } from './resent-copies.ts';
import { nameOf } from './trust-holds.ts';

interface Kept {
  readonly group: string;
  readonly epoch: bigint;
  readonly body: string;
  /** Each member mailbox that has not acknowledged its copy yet: the ids of the copies that went to it. */
  readonly missing: Map<string, Set<string>>;
}

/** Commits kept for their members' acknowledgements, the oldest forgotten first. */
const LIMIT = 256;
/** And their bodies' characters: an X-Wing commit of a 100-member group reaches 126 KiB. */
const LIMIT_CHARS = 8 * 1024 * 1024;

/**
 * Our commits whose copies some member has not acknowledged (docs/protocol.md "Restarts"): a
 * relay that restarts while one waits in a member's queue loses it, and that member could read
 * nothing of the conversation after it. After a restart each goes again, oldest first, by
 * `group_resend` (`group_commit` takes only the current epoch's) to those members' mailboxes;
 * the member's client takes it where its epoch stands, and drops it when past it.
 */
export class KeptCommits {
  private readonly kept: Kept[] = [];
  private chars = 0;

  /** After `committed`: the copies that went to members already in the group (`before`) carried the commit. */
  committed(commit: OutgoingCommit, before: readonly string[], answer: RelayCopies): void {
    const missing = new Map<string, Set<string>>();
    for (const copy of answer.copies ?? []) if ('id' in copy && before.includes(copy.to)) missing.set(copy.to, new Set([copy.id]));
    if (missing.size === 0) return;
    this.kept.push({ group: commit.group, epoch: commit.epoch, body: commit.body, missing });
    this.chars += commit.body.length;
    while (this.kept.length > LIMIT || this.chars > LIMIT_CHARS) this.drop(0);
  }

  /** A receipt: true when it was a member's, for a copy of a commit of ours. */
  confirmed(id: string, to: string): boolean {
    const at = this.kept.findIndex((k) => k.missing.get(to)?.has(id) === true);
    if (at === -1) return false;
    const kept = this.kept[at]!;
    kept.missing.delete(to);
    if (kept.missing.size === 0) this.drop(at);
    return true;
  }

  /**
   * Sends each again, oldest first, by `group_resend` to the mailboxes lacking it (uploaded when
   * large, as `group_commit`'s); returns a line for each that could not go, for the person
   * (`labelOf` names the conversation).
   */
  async resend(requests: Requests, labelOf: (group: string) => string): Promise<string[]> {
    const problems: string[] = [];
    for (const kept of [...this.kept]) {
      const to = [...kept.missing.keys()];
      try {
        const frame: GroupResendFrame = { op: 'group_resend', to };
        if (kept.body.length > UPLOAD_PART_CHARS) frame.body_upload = await upload(requests, kept.body);
        else frame.body = kept.body;
        const answer = await requests.ask<Extract<ServerFrame, { op: 'sent' }>>(frame);
        for (const [mailbox, ids] of kept.missing) for (const id of copiesTo(answer, mailbox)) ids.add(id);
      } catch (error) {
        this.drop(this.kept.indexOf(kept));
        problems.push(`a change to ${labelOf(kept.group)}, lost when the server restarted, could not be sent again (${(error as Error).message}): `
          + `${names(to)} cannot read the conversation on the devices that missed it until they are removed and invited again`);
      }
    }
    return problems;
  }

  private drop(at: number): void {
    this.chars -= this.kept[at]!.body.length;
    this.kept.splice(at, 1);
  }
}

/** The operators of these mailboxes, each once, in words. */
function names(mailboxes: readonly string[]): string {
  return [...new Set(mailboxes.map(nameOf))].join(', ');
}

import type { ServerFrame } from './frame-link.ts';
import type { Requests } from './requests.ts';

/** The copies a relay answer lists (`committed`, or `sent` to a name with devices). */
export type RelayCopies = { copies?: readonly ({ to: string; id: string } | { to: string; code: string })[] };

/** The ids of the copies queued for `mailbox`. */
export function copiesTo(answer: RelayCopies, mailbox: string): string[] {
  return (answer.copies ?? []).flatMap((copy) => ('id' in copy && copy.to === mailbox ? [copy.id] : []));
}

/**
 * A welcome sent again after a relay restart (docs/protocol.md "Restarts"; commits go by
 * `group_resend`): in a plain `send` to the operator, which the relay copies to each of their devices (held to
 * `--max-body-bytes`); rejects with the relay's refusal.
 */
export function sendToOperator(requests: Requests, operator: string, body: string): Promise<RelayCopies> {
  return requests.ask<Extract<ServerFrame, { op: 'sent' }>>({ op: 'send', to: operator, body }) as Promise<RelayCopies>;
}

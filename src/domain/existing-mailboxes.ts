import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { DeviceDirectory } from '../ports/device-directory.ts';
import { mailboxOf, operatorOf } from './mailbox.ts';
import type { Mailbox } from './mailbox.ts';
import type { OperatorName } from './names.ts';

/**
 * docs/protocol.md "Groups": the mailboxes a group frame may name, each an existing operator's
 * name or one of its certified devices, read from the database (not the once-a-second view), so
 * that a frame cannot open queues nobody will ever read under made-up device ids.
 */
export class ExistingMailboxes {
  constructor(private readonly credentials: CredentialRepository, private readonly devices: DeviceDirectory) {}

  async allExist(mailboxes: readonly Mailbox[]): Promise<boolean> {
    const byOperator = new Map<OperatorName, Set<Mailbox>>();
    for (const mailbox of mailboxes) {
      const operator = operatorOf(mailbox);
      byOperator.set(operator, (byOperator.get(operator) ?? new Set()).add(mailbox));
    }
    for (const [operator, named] of byOperator) {
      if (!(await this.credentials.exists(operator))) return false;
      named.delete(operator);
      if (named.size === 0) continue;
      const certified = new Set((await this.devices.list(operator)).map((record) => mailboxOf(operator, record.device)));
      for (const mailbox of named) if (!certified.has(mailbox)) return false;
    }
    return true;
  }
}

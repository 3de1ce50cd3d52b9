import { randomBytes } from 'node:crypto';
import { injectable } from 'inversify';
import type { BootId } from '../../ports/boot-id.ts';

/** The queues live in this process's memory: they and their boot id are made when it starts. */
@injectable()
export class InMemoryBootId implements BootId {
  readonly id = randomBytes(16).toString('base64url');
}

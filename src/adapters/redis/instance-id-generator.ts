import type { IdGenerator } from '../../ports/id-generator.ts';
import type { InstanceIdentity } from './instance-identity.ts';

/** Decorates an IdGenerator so its connection ids say which instance holds the connection. */
export class InstanceIdGenerator implements IdGenerator {
  constructor(private readonly inner: IdGenerator, private readonly identity: InstanceIdentity) {}

  messageId(): string {
    return this.inner.messageId();
  }

  connectionId(): string {
    return this.identity.stamp(this.inner.connectionId());
  }
}

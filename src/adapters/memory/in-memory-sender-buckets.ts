import { injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import type { TokenBucket } from '../../domain/send-rate.ts';
import type { SenderBuckets } from '../../ports/sender-buckets.ts';

/** One bucket per operator who has sent: bounded by the credential database, like the operators. */
@injectable()
export class InMemorySenderBuckets implements SenderBuckets {
  private readonly buckets = new Map<OperatorName, TokenBucket>();

  get(name: OperatorName): TokenBucket | undefined {
    return this.buckets.get(name);
  }

  set(name: OperatorName, bucket: TokenBucket): void {
    this.buckets.set(name, bucket);
  }
}

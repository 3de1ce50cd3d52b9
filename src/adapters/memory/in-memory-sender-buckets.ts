import { injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import { takeSendToken } from '../../domain/send-rate.ts';
import type { TokenBucket } from '../../domain/send-rate.ts';
import type { SenderBuckets } from '../../ports/sender-buckets.ts';

/** One bucket per operator who has sent: bounded by the credential database, like the operators. */
@injectable()
export class InMemorySenderBuckets implements SenderBuckets {
  private readonly buckets = new Map<OperatorName, TokenBucket>();

  take(name: OperatorName, ratePerSecond: number, now: number): number {
    const { wait, bucket } = takeSendToken(this.buckets.get(name), ratePerSecond, now);
    this.buckets.set(name, bucket);
    return wait;
  }
}

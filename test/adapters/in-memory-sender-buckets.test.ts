import { InMemorySenderBuckets } from '../../src/adapters/memory/in-memory-sender-buckets.ts';
import { senderBucketsContract } from '../contracts/sender-buckets-contract.ts';

senderBucketsContract('memory', () => ({ buckets: new InMemorySenderBuckets() }));

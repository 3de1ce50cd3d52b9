import { RedisMessageBuffer } from '../../src/adapters/redis/redis-message-buffer.ts';
import { RandomIdGenerator } from '../../src/adapters/system/random-id-generator.ts';
import { messageBufferContract } from '../contracts/message-buffer-contract.ts';
import { mockRedis, realRedis } from '../support/redis-harness.ts';
import type { RedisTarget } from '../support/redis-harness.ts';

const harness = (target: RedisTarget) => ({ buffer: new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator()), dispose: () => target.dispose() });

const real = await realRedis();
messageBufferContract('ioredis-mock', async () => harness(mockRedis()));
if (real !== undefined) messageBufferContract('redis-server', async () => harness(real()));

import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { MessageBuffer } from '../ports/message-buffer.ts';

const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 60_000;

/**
 * Empties the queues of operators who never come back as their messages outlive the time-to-live
 * (`take` drops expired messages only for those who log in): a tenth of the TTL apart, between a
 * second and a minute. Returns the cancel.
 */
export function startMessageExpiry(buffer: MessageBuffer, clock: Clock, logger: Logger, ttlMs: number): () => void {
  const interval = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, ttlMs / 10));
  return clock.every(interval, () => void expireOnce(buffer, clock, logger));
}

async function expireOnce(buffer: MessageBuffer, clock: Clock, logger: Logger): Promise<void> {
  try {
    const dropped = await buffer.expire(clock.now());
    if (dropped > 0) logger.log('info', 'messages_expired', { count: dropped });
  } catch (error) {
    logger.log('error', 'expiry_failed', { reason: (error as Error).message });
  }
}

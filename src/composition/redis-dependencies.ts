/** What `serve --buffer redis` needs beyond the container, loaded only then (ioredis is large). */
export { RedisUnavailableError } from '../adapters/redis/redis-connections.ts';

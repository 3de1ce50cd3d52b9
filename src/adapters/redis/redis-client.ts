import { createHash } from 'node:crypto';
import { Command, Redis } from 'ioredis';
import { token } from '../../ports/token.ts';

/** Injection token of the ioredis client that the Redis adapters share for commands. */
export const RedisClient = token<Redis>('RedisClient');
/** Injection token of the prefix every Redis key and channel of this deployment starts with. */
export const RedisKeyPrefix = token<string>('RedisKeyPrefix');

export const DEFAULT_KEY_PREFIX = 'litsxg:';

/**
 * Runs a Lua script atomically. On ioredis, as `defineCommand` does (EVAL the first time on
 * each connection, EVALSHA after), but with the arguments taken as they are: ioredis's own
 * commands flatten theirs (`args.flat()`, 80 ns an argument, measured), and ENQUEUE has an
 * argument a message. ioredis-mock (no sendCommand) emulates it through `defineCommand`.
 */
export function luaCommand(redis: Redis, name: string, lua: string): (...args: string[]) => Promise<unknown> {
  if (!(redis instanceof Redis)) return definedCommand(redis, name, lua);
  const script: Script = { lua, sha: createHash('sha1').update(lua).digest('hex'), loadedOn: new WeakSet() };
  return (...args) => run(redis, script, args).catch((error: Error) => {
    // A Redis that lost its scripts (SCRIPT FLUSH) on the same connection: sent again with EVAL, as ioredis does.
    // Only Redis's own refusal, which means the script never ran: a script's error that merely
    // mentions it may have written before failing, and must not run twice.
    if (!error.message.startsWith('NOSCRIPT')) throw error;
    script.loadedOn = new WeakSet();
    return run(redis, script, args);
  });
}

function run(redis: Redis, script: Script, args: readonly string[]): Promise<unknown> {
  const call = new ScriptCall(script, args);
  redis.sendCommand(call);
  return call.promise;
}

function definedCommand(redis: Pick<Redis, 'defineCommand'>, name: string, lua: string): (...args: string[]) => Promise<unknown> {
  redis.defineCommand(name, { numberOfKeys: 0, lua });
  const command = (redis as unknown as Record<string, (...args: string[]) => Promise<unknown>>)[name]!;
  return (...args) => command.apply(redis, args);
}

interface Script {
  readonly lua: string;
  readonly sha: string;
  /** The connections (sockets) this script went to with EVAL. */
  loadedOn: WeakSet<object>;
}

/** EVALSHA of a script, or EVAL on a connection that has not had it yet. */
class ScriptCall extends Command {
  constructor(private readonly script: Script, args: readonly string[]) {
    super('evalsha', [], { replyEncoding: 'utf8' });
    this.args = [script.sha, '0', ...args];
  }

  override toWritable(socket: object): string | Buffer {
    if (!this.script.loadedOn.has(socket)) {
      this.script.loadedOn.add(socket);
      this.name = 'eval';
      this.args[0] = this.script.lua;
    }
    return super.toWritable(socket);
  }
}

/** A reply element as text: real Redis sends bulk strings, ioredis-mock hands back JS values. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

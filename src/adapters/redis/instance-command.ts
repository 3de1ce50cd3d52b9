import type { ConnectionId } from '../../domain/session.ts';
import type { OutboundFrame } from '../../domain/frames.ts';
import type { OperatorName } from '../../domain/names.ts';

/**
 * What one instance asks another to do to a connection it holds, over that instance's Redis
 * channel. Only `bye` and `receipt` frames cross today, never a message body; pub/sub keeps
 * nothing, in any case. Receipts in a row for one connection from one recipient go as one
 * `receipts` command: they are most of what crosses, one for every message.
 */
export type InstanceCommand =
  | { readonly do: 'send'; readonly connection: ConnectionId; readonly frame: OutboundFrame }
  | { readonly do: 'receipts'; readonly connection: ConnectionId; readonly to: OperatorName; readonly ids: string[] }
  | { readonly do: 'close'; readonly connection: ConnectionId }
  | WakeCommand;

/** Push what is queued for the connection, message `seq` included (the highest woken for in the turn). */
export interface WakeCommand {
  readonly do: 'wake';
  readonly connection: ConnectionId;
  seq: number;
}

export function instanceChannel(prefix: string, instance: string): string {
  return `${prefix}instance:${instance}`;
}

/** The commands of one published message: a list (one per event-loop turn), or a single one. */
export function parseInstanceCommands(text: string): InstanceCommand[] {
  try {
    const value = JSON.parse(text) as unknown;
    return (Array.isArray(value) ? value : [value]).map(toCommand).filter((command) => command !== undefined);
  } catch {
    // Not ours: ignored like any other malformed command.
    return [];
  }
}

function toCommand(item: unknown): InstanceCommand | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const value = item as Partial<Record<string, unknown>>;
  if (typeof value.connection !== 'string') return undefined;
  if (value.do === 'close') return { do: 'close', connection: value.connection };
  // A wake without a number (from an instance of an older version) pushes whatever is queued.
  if (value.do === 'wake') return { do: 'wake', connection: value.connection, seq: Number.isSafeInteger(value.seq) ? (value.seq as number) : Number.MAX_SAFE_INTEGER };
  if (value.do === 'send' && typeof value.frame === 'object' && value.frame !== null) {
    return { do: 'send', connection: value.connection, frame: value.frame as OutboundFrame };
  }
  if (value.do === 'receipts' && typeof value.to === 'string' && Array.isArray(value.ids) && value.ids.every((id) => typeof id === 'string')) {
    return { do: 'receipts', connection: value.connection, to: value.to, ids: value.ids as string[] };
  }
  return undefined;
}

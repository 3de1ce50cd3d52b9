import type { QueuedMessage } from '../../domain/messages.ts';
import type { OperatorName } from '../../domain/names.ts';

/*
 * How RedisMessageBuffer writes a message into its queue and reads it back: a queue member is
 * `<id>:<bytes>:<expiresAt>:<record>`, its id `<stem>.<sequence number>`.
 */

/**
 * Acknowledged ids as ACKNOWLEDGE reads them: the lowest and highest sequence number they carry
 * (after their first '.'; '' for both when none carries one), then the ids in one argument, a
 * newline after each. One argument for them all costs the server's Redis client a quarter of
 * what one argument an id does (measured). An odd spelling ('1e3') only widens the range read,
 * and an id with a newline in it goes as '': neither is an id of ours (a stem and a number), and
 * only the exact id removes a message.
 */
export function ackArguments(ids: readonly string[]): [string, string, string] {
  let low = Infinity;
  let high = -Infinity;
  let lines = '';
  for (const id of ids) {
    lines += id.includes('\n') ? '\n' : `${id}\n`;
    const dot = id.indexOf('.');
    if (dot < 0) continue;
    const seq = Number(id.slice(dot + 1));
    if (!Number.isSafeInteger(seq) || seq < 1) continue;
    if (seq < low) low = seq;
    if (seq > high) high = seq;
  }
  return low === Infinity ? ['', '', lines] : [String(low), String(high), lines];
}

/**
 * A message's record in its queue member: `<from>:<ts>:<body>`, the body as it is (newlines
 * too: each member goes to ENQUEUE as an argument of its own); or, for a body that cannot go so
 * (a lone surrogate would not survive UTF-8), the JSON array `[from, body, ts]`, which is also
 * how earlier versions wrote every record, and how they wrote a body with a newline. A name
 * never starts with '[', so the first character tells them apart. Quoting every body as JSON
 * cost the server more than half a microsecond a message (measured).
 */
export function record(from: OperatorName, body: string, tsText: string): string {
  return body.isWellFormed() ? `${from}:${tsText}:${body}` : JSON.stringify([from, body, Number(tsText)]);
}

const JSON_RECORD = 0x5b; // '['

/**
 * A queue member is `<id>:<bytes>:<expiresAt>:<record>` (see `record`), as ENQUEUE stored it;
 * its id ends in '.<sequence number>'.
 */
export function decode(member: string, pushed: number): QueuedMessage {
  const idEnd = member.indexOf(':');
  const bytesEnd = member.indexOf(':', idEnd + 1);
  const recordAt = member.indexOf(':', bytesEnd + 1) + 1;
  const id = member.slice(0, idEnd);
  const seq = Number(id.slice(id.lastIndexOf('.') + 1));
  const bytes = Number(member.slice(idEnd + 1, bytesEnd));
  if (member.charCodeAt(recordAt) === JSON_RECORD) {
    const [from, body, ts] = JSON.parse(member.slice(recordAt)) as [OperatorName, string, number];
    return { id, from, body, ts, bytes, seq, redelivered: seq <= pushed };
  }
  const fromEnd = member.indexOf(':', recordAt);
  const tsEnd = member.indexOf(':', fromEnd + 1);
  return {
    id, from: member.slice(recordAt, fromEnd), body: member.slice(tsEnd + 1), ts: Number(member.slice(fromEnd + 1, tsEnd)),
    bytes, seq, redelivered: seq <= pushed,
  };
}

/**
 * The text of a number, kept for the next call with the same number: the messages of a turn
 * mostly share their millisecond, and printing a 13-digit number cost 125 ns (measured).
 */
export class NumberTexts {
  private last = Number.NaN;
  private text = '';

  of(value: number): string {
    if (value !== this.last) {
      this.last = value;
      this.text = String(value);
    }
    return this.text;
  }
}

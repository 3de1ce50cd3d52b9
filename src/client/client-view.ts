import { visibleText } from '../domain/visible-text.ts';

/** How the client shows things: local time, and text made safe for a terminal. */
export function clock(ts: number, now = Date.now()): string {
  const date = new Date(ts);
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (new Date(now).toDateString() === date.toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/**
 * A body comes from another person: it keeps its line breaks (further lines indented under the
 * first), and every other character a terminal would obey or hide is shown instead.
 */
export function safeText(text: string): string {
  return text.split(/\r\n?|\n/).map(visibleText).join('\n    ');
}

export function incomingLine(ts: number, from: string, body: string): string {
  return `[${clock(ts)}] ${visibleText(from)}: ${safeText(body)}`;
}

/** One line of the client's own, which may quote what the server or the person sent. */
export function statusLine(text: string, now = Date.now()): string {
  return `[${clock(now, now)}] ${visibleText(text)}`;
}

/** What a welcome shows: where, as whom, and what waits. */
export function welcomeLines(server: { host: string; port: number }, name: string, pending: number, firstTime: boolean): string[] {
  const waiting = pending === 1 ? ', 1 message waiting' : pending > 1 ? `, ${pending} messages waiting` : '';
  const connected = `${firstTime ? 'connected' : 'reconnected'} to ${server.host}:${server.port} as ${name}${waiting}`;
  return firstTime ? [connected, 'type /help for the commands'] : [connected];
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

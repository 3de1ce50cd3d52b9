/** How the client shows things: local time, and text made safe for a terminal. */
export function clock(ts: number, now = Date.now()): string {
  const date = new Date(ts);
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (new Date(now).toDateString() === date.toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/**
 * A body comes from another person: control characters (escape sequences could rewrite the
 * screen) are shown as `^X`, and further lines are indented under the first.
 */
export function safeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (char) => `^${String.fromCharCode((char.charCodeAt(0) + 64) % 128)}`)
    .replace(/\n/g, '\n    ');
}

export function incomingLine(ts: number, from: string, body: string): string {
  return `[${clock(ts)}] ${from}: ${safeText(body)}`;
}

export function statusLine(text: string, now = Date.now()): string {
  return `[${clock(now, now)}] ${text}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

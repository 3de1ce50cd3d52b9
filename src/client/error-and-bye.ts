import { ExitStatus } from '../adapters/cli/exit-status.ts';
import type { ServerFrame } from './client-frame-channel.ts';

/** What the session lends to its answers to `error` and `bye`. */
export interface ErrorAndByeLink {
  readonly name: string;
  /** Logged in on this connection. */
  ready(): boolean;
  /** This login went by the client's key, and a password may still be tried. */
  byKey(): boolean;
  /** A refusal of one of our sends, by its ref: true when it was one. */
  refused(ref: string, reason: string): boolean;
  /** Logs in with the password instead of the key. */
  withPassword(): void;
  /** The password was refused: asks for it again where it can (a terminal, three tries), else stops. */
  passwordAgain(): void;
  /** The server said it shuts down: the connection's end is no loss. */
  shutDown(): void;
  say(text: string): void;
  stop(status: number): void;
}

/** PROTOCOL "Errors": a refused send is said on its line; a refused login ends the session. */
export function onErrorFrame(frame: Extract<ServerFrame, { op: 'error' }>, link: ErrorAndByeLink): void {
  const code = String(frame.code);
  const ref = typeof frame.ref === 'string' ? frame.ref : undefined;
  const wait = typeof frame.retry_after_ms === 'number' ? `, retry in ${Math.ceil(frame.retry_after_ms / 1000)} s` : '';
  if (ref !== undefined && link.refused(ref, `${code.replaceAll('_', ' ')}${wait}`)) return;
  if (!link.ready() && code === 'auth_failed' && link.byKey()) {
    link.say('the server refused this client\'s key; logging in with the password');
    return link.withPassword();
  }
  if (!link.ready() && code === 'auth_failed') {
    link.say('authentication failed: wrong name or password');
    return link.passwordAgain();
  }
  if (!link.ready() && code === 'rate_limited') {
    link.say(`too many failed logins for ${link.name}${wait}`);
    return link.stop(ExitStatus.failed);
  }
  link.say(`server: ${code}${typeof frame.message === 'string' ? ` (${frame.message})` : ''}`);
}

/** PROTOCOL "Session": a session taken over by another login ends; others reconnect (a shutdown says so then). */
export function onByeFrame(reason: string, link: ErrorAndByeLink): void {
  if (reason === 'quit') return;
  if (reason === 'replaced') {
    link.say(`another login as ${link.name} took over this session`);
    return link.stop(ExitStatus.failed);
  }
  if (reason === 'shutdown') link.shutDown();
  else link.say(`the server closed the session (${reason})`);
}

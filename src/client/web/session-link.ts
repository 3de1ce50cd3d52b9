import type { ClientFrame, FrameLink } from '../conversations/frame-link.ts';
import type { LoginResult } from './log-in.ts';

/** Well inside the server's idle timeout (300 s by default), so an open tab stays connected. */
const PING_EVERY_MS = 60_000;
/** Pauses between attempts to log in again: doubling from 1 s to 30 s, as the terminal's. */
const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 30_000;

type LoggedIn = Extract<LoginResult, { ok: true }>;

export interface SessionLinkEvents {
  /** The connection went: requests waiting on it fail; the page says so while it logs in again (`retrying`, unless the session ended). */
  lost(retrying: boolean): void;
  /** A login again failed (`reason`); the next is tried after `pauseMs`. */
  failed(reason: string, pauseMs: number): void;
  /** Logged in again as this device (docs/protocol.md "Restarts": the hello says whether the server restarted). */
  back(login: LoggedIn): void;
}

/**
 * A device session's way to the relay across connections, as the terminal client keeps one: a
 * connection that drops (a server restart, a network change) is followed by a login again by
 * the device's key, with growing pauses, until it works or the session ends (log out, or the
 * server said another login replaced this one). Frames go on the current connection.
 */
export class SessionLink implements FrameLink {
  private current: LoggedIn['link'];
  private ended = false;
  private attempts = 0;
  private readonly ping: ReturnType<typeof setInterval>;

  constructor(first: LoggedIn, private readonly logInAgain: () => Promise<LoginResult>, private readonly events: SessionLinkEvents) {
    this.current = first.link;
    this.watch(first.link);
    this.ping = setInterval(() => this.current.send({ op: 'ping' }), PING_EVERY_MS);
  }

  send(frame: ClientFrame): void {
    this.current.send(frame);
  }

  /** No login again from now on; the connection is closed. */
  end(): void {
    this.ended = true;
    clearInterval(this.ping);
    this.current.close();
  }

  private watch(link: LoggedIn['link']): void {
    link.onClose(() => {
      if (link !== this.current) return;
      this.events.lost(!this.ended);
      if (!this.ended) this.retry();
    });
  }

  private retry(pause = this.pause()): void {
    setTimeout(() => void this.logInAgain().then((login) => {
      if (this.ended) return login.ok ? login.link.close() : undefined;
      if (!login.ok) {
        const next = this.pause();
        this.events.failed(login.reason, next);
        return this.retry(next);
      }
      this.attempts = 0;
      this.current = login.link;
      this.watch(login.link);
      this.events.back(login);
    }), pause);
  }

  /** Doubling with each attempt, ±20 % so that pages a restart dropped together do not come back together. */
  private pause(): number {
    return Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** this.attempts++) * (0.8 + Math.random() * 0.4);
  }
}

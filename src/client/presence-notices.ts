import type { InboundFrame } from '../domain/frames.ts';
import type { ServerFrame } from './client-frame-channel.ts';

/** docs/protocol.md "Presence": the relay takes at most this many names in one `watch`. */
const MAX_WATCHED = 256;
/** Marks the answers to this client's `watch`, apart from `/who`'s `online`. */
const WATCH_REF = 'presence';

export interface PresenceLink {
  send(frame: InboundFrame): void;
  say(text: string): void;
  /** The operators this client shares a conversation with now. */
  names(): readonly string[];
  /** Runs `work` in `ms` milliseconds (a `watch` refused for the send rate goes again). */
  later(ms: number, work: () => void): void;
}

/**
 * docs/client.md § Presence: `bob is online` and `bob left` for the operators this client shares
 * a conversation with, once per change; `/presence off` stops them (the relay is told to stop too).
 */
export class PresenceNotices {
  private on = true;
  /** An older relay answered `unknown_op`: presence stays off, without a word. */
  private supported = true;
  /** Logged in and caught up: `watch` may go. */
  private live = false;
  /** What the relay watches for this connection, names joined: a new connection watches nothing. */
  private asked = '';
  private readonly online = new Set<string>();

  constructor(private readonly link: PresenceLink) {}

  /** Logged in, and what waited is processed: the conversations are known. */
  loggedIn(): void {
    this.live = true;
    this.refresh();
  }

  /**
   * Whenever the conversations change: watches the operators they share (the
   * relay keeps those in a group with this client), unless already asked so on this connection.
   */
  refresh(): void {
    const wanted = this.on ? this.link.names().slice(0, MAX_WATCHED) : [];
    const key = wanted.join(',');
    if (!this.live || !this.supported || key === this.asked) return;
    this.asked = key;
    this.link.send({ op: 'watch', names: [...wanted], ref: WATCH_REF });
  }

  /** `/presence on|off`. */
  switch(on: boolean): void {
    this.on = on;
    if (!on) this.online.clear();
    this.link.say(`presence notices ${on ? 'on' : 'off'}`);
    this.refresh();
  }

  connectionLost(): void {
    this.live = false;
    this.asked = '';
  }

  /** The frames of presence: true when taken. */
  onFrame(frame: ServerFrame): boolean {
    if (frame.op === 'presence') {
      const name = String(frame.name);
      const online = frame.online === true;
      if (!this.on || this.online.has(name) === online) return true;
      if (online) this.online.add(name);
      else this.online.delete(name);
      this.link.say(`${name} ${online ? 'is online' : 'left'}`);
      return true;
    }
    if (frame.op !== 'online' && frame.op !== 'error') return false;
    if (frame.ref !== WATCH_REF) return false;
    if (frame.op === 'error') {
      if (frame.code === 'unknown_op') this.supported = false;
      if (frame.code === 'rate_limited') {
        // Spent on sends just before: asked again once the sender's bucket has a token.
        this.asked = '';
        this.link.later(Number(frame.retry_after_ms) || 1000, () => this.refresh());
      }
      return true;
    }
    // Who is online now, shown by /who; what changes from here on is told.
    this.online.clear();
    for (const name of Array.isArray(frame.names) ? frame.names : []) this.online.add(String(name));
    return true;
  }
}

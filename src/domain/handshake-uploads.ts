import type { ConnectionId } from './session.ts';
import { utf8ByteLength } from './text.ts';

/** docs/protocol.md "Groups": uploads one connection may hold at once (a commit needs two). */
export const MAX_UPLOADS = 4;

interface Upload {
  readonly parts: string[];
  bytes: number;
  complete: boolean;
}

interface Held {
  readonly uploads: Map<string, Upload>;
  bytes: number;
}

export type UploadOutcome =
  | { ok: true; bytes: number }
  | { ok: false; code: 'body_too_large' }
  | { ok: false; code: 'invalid'; message: string };

/**
 * docs/protocol.md "Groups", handshake size: commits and welcomes past the frame limit come in
 * parts, each under it, and are held for their connection until a `group_commit` names them or
 * the connection closes. What one connection holds is bounded by `--max-handshake-bytes`.
 */
export class HandshakeUploads {
  private readonly held = new Map<ConnectionId, Held>();

  constructor(private readonly maxBytes: number) {}

  /** Appends a part; `more: false` completes the upload. A part for a complete upload starts it anew. */
  append(connection: ConnectionId, id: string, data: string, more: boolean): UploadOutcome {
    let held = this.held.get(connection);
    let upload = held?.uploads.get(id);
    if (upload?.complete === true) {
      this.drop(connection, id);
      upload = undefined;
    }
    if (upload === undefined && held !== undefined && held.uploads.size >= MAX_UPLOADS) {
      return { ok: false, code: 'invalid', message: `upload: expected at most ${MAX_UPLOADS} uploads held at once` };
    }
    const bytes = utf8ByteLength(data);
    if ((held?.bytes ?? 0) + bytes > this.maxBytes) {
      // Refused whole: what the connection held of this upload is dropped with it.
      this.drop(connection, id);
      return { ok: false, code: 'body_too_large' };
    }
    if (held === undefined) {
      held = { uploads: new Map(), bytes: 0 };
      this.held.set(connection, held);
    }
    if (upload === undefined) {
      upload = { parts: [], bytes: 0, complete: false };
      held.uploads.set(id, upload);
    }
    upload.parts.push(data);
    upload.bytes += bytes;
    upload.complete = !more;
    held.bytes += bytes;
    return { ok: true, bytes: upload.bytes };
  }

  /** The text of a complete upload, which is no longer held; undefined when there is none. */
  take(connection: ConnectionId, id: string): string | undefined {
    const upload = this.held.get(connection)?.uploads.get(id);
    if (upload === undefined || !upload.complete) return undefined;
    this.drop(connection, id);
    return upload.parts.join('');
  }

  /** Bytes the connection holds. */
  bytesHeld(connection: ConnectionId): number {
    return this.held.get(connection)?.bytes ?? 0;
  }

  /** The connection closed: whatever it held goes. */
  release(connection: ConnectionId): void {
    this.held.delete(connection);
  }

  private drop(connection: ConnectionId, id: string): void {
    const held = this.held.get(connection);
    const upload = held?.uploads.get(id);
    if (held === undefined || upload === undefined) return;
    held.uploads.delete(id);
    held.bytes -= upload.bytes;
    if (held.uploads.size === 0) this.held.delete(connection);
  }
}

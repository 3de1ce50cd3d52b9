import type { OutgoingCommit } from './conversation-events.ts';
import type { GroupCommitFrame, ServerFrame } from './frame-link.ts';
import type { Requests } from './requests.ts';

/**
 * Handshake bodies past this many characters go as uploads (docs/protocol.md "Groups": X-Wing
 * commits and welcomes of large groups reach hundreds of KB, past the 64 KiB frame limit), in
 * parts that leave room for the frame's other fields.
 */
export const UPLOAD_PART_CHARS = 48 * 1024;

let uploads = 0;

/** Sends a commit for the relay to order; resolves with `committed`, rejects with its refusal (`stale_epoch`…). */
export async function sendCommit(requests: Requests, commit: OutgoingCommit): Promise<Extract<ServerFrame, { op: 'committed' }>> {
  const frame: GroupCommitFrame = { op: 'group_commit', members: commit.members };
  if (commit.body.length > UPLOAD_PART_CHARS) frame.body_upload = await upload(requests, commit.body);
  else frame.body = commit.body;
  if (commit.welcome !== undefined && commit.welcome.length > UPLOAD_PART_CHARS) frame.welcome_upload = await upload(requests, commit.welcome);
  else if (commit.welcome !== undefined) frame.welcome = commit.welcome;
  return requests.ask<Extract<ServerFrame, { op: 'committed' }>>(frame);
}

/** Uploads `text` in parts (docs/protocol.md "Groups", `upload`); the upload's name. */
export async function upload(requests: Requests, text: string): Promise<string> {
  const name = `u${++uploads % 1000}`;
  for (let start = 0; start < text.length; start += UPLOAD_PART_CHARS) {
    const more = start + UPLOAD_PART_CHARS < text.length;
    await requests.ask({ op: 'upload', upload: name, data: text.slice(start, start + UPLOAD_PART_CHARS), more });
  }
  return name;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';

/** What a text may look like where it must not be: as typed, in hex and in base64 at each of the three alignments. */
export function encodings(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const base64 = [0, 1, 2].map((shift) => Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64').slice(4, -4));
  return [text, bytes.toString('hex'), bytes.toString('hex').toUpperCase(), ...base64];
}

export function assertAbsent(haystack: string, secret: string, where: string): void {
  for (const encoded of encodings(secret)) assert.not.ok(haystack.includes(encoded), `${where} holds ${encoded}`);
}

/** The server options that let `heapSnapshot` ask a server for one: SIGUSR2 writes it into `dir`. */
export function heapSnapshotEnv(dir: string): Record<string, string> {
  return { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}` };
}

/** Signals the server started with `heapSnapshotEnv(dir)`; resolves with the snapshot whole. */
export async function heapSnapshot(pid: number, dir: string, timeoutMs = 60_000): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (file !== undefined) {
      const text = readFileSync(join(dir, file), 'utf8');
      try {
        JSON.parse(text);
        return text;
      } catch {
        // Still being written.
      }
    }
    if (Date.now() > deadline) throw new Error(`no heap snapshot in ${dir} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The bodies of the MLS group sends in recorded relay bytes, in order. */
export function groupSendBodies(wire: string): string[] {
  return [...wire.matchAll(/"op":"group_send","body":"(mls1\.[^"]+)"/g)].map((match) => match[1]!);
}

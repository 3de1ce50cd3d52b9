import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Written whole to a temporary file (0600) and flushed to the disk, then renamed over, and the
 * rename flushed too: a crash or a power cut leaves the old file or the new one, never a torn or
 * empty file, which for group state would lose a conversation.
 */
export function writeFileDurably(path: string, data: string | Uint8Array, temporary = `${path}.tmp`): void {
  const file = openSync(temporary, 'w', 0o600);
  try {
    writeFileSync(file, data);
    fsyncSync(file);
  } finally {
    closeSync(file);
  }
  // A temporary file left by a crash keeps its old mode through `open`.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  const directory = openSync(dirname(path), 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}

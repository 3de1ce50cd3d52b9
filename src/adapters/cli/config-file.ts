import { parse, TomlError } from 'smol-toml';

/** A top-level key of a configuration file, its value as TOML typed it, and the line setting it. */
export interface ConfigEntry {
  readonly key: string;
  readonly value: unknown;
  readonly line: number | undefined;
}

/** Why a file is not TOML, where. */
export interface ConfigSyntaxError {
  readonly line: number;
  readonly reason: string;
}

/** Issue 22: `serve --config FILE`, in TOML (as Mosquitto's and Ergo's files are plain text to edit). */
export function configEntries(text: string): ConfigEntry[] | ConfigSyntaxError {
  let table: Record<string, unknown>;
  try {
    table = parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message goes on with a picture of the line: the first line is the reason.
    return { line: error.line, reason: error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '') };
  }
  const lines = text.split('\n');
  return Object.entries(table).map(([key, value]) => ({ key, value, line: lineOf(lines, key) }));
}

/**
 * The first line that sets `key` (`key =`, `"key" =`, `key.x =`, `[key]`): the parser keeps no
 * positions, and TOML sets a key once. Only a multi-line string above it could mislead.
 */
function lineOf(lines: readonly string[], key: string): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\s*\\[*\\s*(["']?)${escaped}\\1\\s*[=.\\]]`);
  const index = lines.findIndex((line) => pattern.test(line));
  return index === -1 ? undefined : index + 1;
}

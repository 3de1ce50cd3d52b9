import { UNSAFE_CHARACTERS } from '../../domain/visible-text.ts';
import type { LogFields, LogLevel, Logger } from '../../ports/logger.ts';
import { sourceLocation } from './source-location.ts';

const SEVERITY: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };

/** One JSON object a line (PROTOCOL "Command line"): `ts`, `level`, `event`, then the fields. */
export class JsonLinesLogger implements Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (SEVERITY[level] <= SEVERITY[this.level]) this.announce(level, event, fields);
  }

  /** Written whatever the level: the lines an operator's tooling waits for (`listening`). */
  announce(level: LogLevel, event: string, fields: LogFields = {}): void {
    // A failure's `where` (domain/describe-error.ts) names the TypeScript file, not the bundle's.
    if (typeof fields.where === 'string') fields = { ...fields, where: sourceLocation(fields.where) };
    this.write(`${escapeUnsafe(JSON.stringify({ ts: new Date(this.now()).toISOString(), level, event, ...fields }))}\n`);
  }
}

/**
 * A log is read on terminals too: what JSON.stringify leaves raw there (DEL, C1 controls,
 * bidirectional overrides, invisible characters) is written as a `\uXXXX` escape, the same
 * value to a JSON parser. Only string contents can hold such characters.
 */
function escapeUnsafe(json: string): string {
  return json.replace(UNSAFE_CHARACTERS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

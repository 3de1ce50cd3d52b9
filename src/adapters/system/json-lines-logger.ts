import type { LogFields, LogLevel, Logger } from '../../ports/logger.ts';

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
    this.write(`${JSON.stringify({ ts: new Date(this.now()).toISOString(), level, event, ...fields })}\n`);
  }
}

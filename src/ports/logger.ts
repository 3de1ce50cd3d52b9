import { token } from './token.ts';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Field values are never message bodies, passwords or network addresses. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}
export const Logger = token<Logger>('Logger');

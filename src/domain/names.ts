import { utf8ByteLength } from './text.ts';

/** PROTOCOL "Names and passwords": `^[a-z0-9][a-z0-9._-]{0,31}$`. */
export type OperatorName = string;

const OPERATOR_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;
/** PROTOCOL "Names and passwords": a password is a string of 1 to 1024 bytes. */
export const MAX_PASSWORD_BYTES = 1024;

export function isOperatorName(value: unknown): value is OperatorName {
  return typeof value === 'string' && OPERATOR_NAME.test(value);
}

export function isPassword(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && utf8ByteLength(value) <= MAX_PASSWORD_BYTES;
}

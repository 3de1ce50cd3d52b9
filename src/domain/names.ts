/** PROTOCOL "Names and passwords": `^[a-z0-9][a-z0-9._-]{0,31}$`. */
export type OperatorName = string;

const OPERATOR_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

export function isOperatorName(value: unknown): value is OperatorName {
  return typeof value === 'string' && OPERATOR_NAME.test(value);
}

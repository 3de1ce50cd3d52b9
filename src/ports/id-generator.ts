import { token } from './token.ts';

export interface IdGenerator {
  /** A fresh opaque message id, unique across instances (`m-…`). */
  messageId(): string;
  /** A fresh random connection id for logs and routing (`c-…`). */
  connectionId(): string;
}
export const IdGenerator = token<IdGenerator>('IdGenerator');

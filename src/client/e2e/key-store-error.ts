/** The key store cannot be used: unreadable, not creatable, or damaged. */
export class KeyStoreError extends Error {
  override readonly name = 'KeyStoreError';
}

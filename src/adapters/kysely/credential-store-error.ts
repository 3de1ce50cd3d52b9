/** The credential database cannot be used: unreadable, corrupt, or from a newer Litsxg. */
export class CredentialStoreError extends Error {
  override readonly name = 'CredentialStoreError';
}

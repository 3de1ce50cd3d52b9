/** Injection token of the migrated Kysely instance behind the credential repository. */
export const CredentialDatabase = Symbol('CredentialDatabase');

import type { Kysely } from 'kysely';
import { token } from '../../ports/token.ts';
import type { CredentialSchema } from './credential-schema.ts';

/** Injection token of the migrated Kysely instance behind the credential repository. */
export const CredentialDatabase = token<Kysely<CredentialSchema>>('CredentialDatabase');

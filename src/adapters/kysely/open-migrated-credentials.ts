import { Kysely } from 'kysely';
import type { Dialect } from 'kysely';
import type { CredentialSchema } from './credential-schema.ts';
import { CredentialStoreError } from './credential-store-error.ts';
import { migrateCredentialSchema } from './migrate-credential-schema.ts';

/**
 * The credential database behind `dialect`, its schema brought up to date. Any failure closes
 * it again and is a CredentialStoreError: `failure` said first, then why.
 */
export async function openMigratedCredentials(dialect: Dialect, failure: string): Promise<Kysely<CredentialSchema>> {
  const db = new Kysely<CredentialSchema>({ dialect });
  try {
    await migrateCredentialSchema(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    if (error instanceof CredentialStoreError) throw error;
    throw new CredentialStoreError(`${failure}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return db;
}

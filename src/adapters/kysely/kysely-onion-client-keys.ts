import type { Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { OnionClientKeys } from '../../ports/onion-client-keys.ts';
import { CredentialDatabase } from './credential-database.ts';
import { CredentialDialect } from './credential-dialect.ts';
import type { CredentialSchema } from './credential-schema.ts';

/** The keys in the credential database, beside the password hashes; the same on SQLite and PostgreSQL. */
@injectable()
export class KyselyOnionClientKeys implements OnionClientKeys {
  constructor(
    @inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
    @inject(CredentialDialect) private readonly dialect: CredentialDialect,
  ) {}

  async put(name: OperatorName, pair: { readonly publicKey: string; readonly privateKey: string }): Promise<void> {
    const values = { public_key: pair.publicKey, private_key: pair.privateKey, created_at: this.clock.now() };
    await this.dialect.run(() => this.db
      .insertInto('operator_onion_auth_keys')
      .values({ name, ...values })
      .onConflict((conflict) => conflict.column('name').doUpdateSet(values))
      .execute());
  }

  async privateKey(name: OperatorName): Promise<string | undefined> {
    const row = await this.dialect.run(() => this.db.selectFrom('operator_onion_auth_keys').select('private_key').where('name', '=', name).executeTakeFirst());
    return row?.private_key;
  }

  /** Joined with the operators: a key stored for a name not (or no longer) an operator admits nobody. */
  async publicKeys(): Promise<string[]> {
    const rows = await this.dialect.run(() => this.db
      .selectFrom('operator_onion_auth_keys')
      .innerJoin('operators', 'operators.name', 'operator_onion_auth_keys.name')
      .select('operator_onion_auth_keys.public_key')
      .orderBy('operator_onion_auth_keys.public_key')
      .execute());
    return rows.map((row) => row.public_key);
  }
}

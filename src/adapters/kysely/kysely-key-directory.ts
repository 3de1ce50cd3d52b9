import { sql } from 'kysely';
import type { CompiledQuery, Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import type { PublicIdentity } from '../../domain/identity-keys.ts';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { KeyDirectory } from '../../ports/key-directory.ts';
import { CredentialDatabase } from './credential-database.ts';
import { CredentialDialect } from './credential-dialect.ts';
import type { CredentialSchema } from './credential-schema.ts';

interface IdentityRow {
  readonly agreement_key: string;
  readonly signing_key: string;
}

/**
 * Public identities in the credential database, beside the operators they belong to: a key is
 * only ever stored for an operator that exists (and a foreign key removes it with them), and is
 * read afresh at every key login, so a revocation applies at once.
 */
@injectable()
export class KyselyKeyDirectory implements KeyDirectory {
  constructor(
    @inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
    @inject(CredentialDialect) private readonly dialect: CredentialDialect,
  ) {
    this.findQuery = db.selectFrom('operator_identity_keys').select(['agreement_key', 'signing_key']).where('name', '=', '').compile();
  }

  /**
   * Built and compiled once, run with each name: at every key login, building and compiling
   * the query cost more than running it.
   */
  private readonly findQuery: CompiledQuery<IdentityRow>;

  async publish(name: OperatorName, identity: PublicIdentity): Promise<boolean> {
    const now = this.clock.now();
    const result = await this.dialect.run(() => this.db
      .insertInto('operator_identity_keys')
      .columns(['name', 'agreement_key', 'signing_key', 'published_at'])
      .expression(this.db.selectFrom('operators')
        .select([
          'name',
          sql<string>`${identity.agreement}`.as('agreement_key'),
          sql<string>`${identity.signing}`.as('signing_key'),
          sql<number>`${now}`.as('published_at'),
        ])
        .where('name', '=', name))
      .onConflict((conflict) => conflict.column('name').doUpdateSet({
        agreement_key: identity.agreement, signing_key: identity.signing, published_at: now,
      }))
      .executeTakeFirst());
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async find(name: OperatorName): Promise<PublicIdentity | undefined> {
    const row = await this.dialect.first<IdentityRow>(this.db, { ...this.findQuery, parameters: [name] });
    return row === undefined ? undefined : { agreement: row.agreement_key, signing: row.signing_key };
  }

  async revoke(name: OperatorName): Promise<boolean> {
    const result = await this.dialect.run(() => this.db.deleteFrom('operator_identity_keys').where('name', '=', name).executeTakeFirst());
    return Number(result.numDeletedRows) === 1;
  }
}

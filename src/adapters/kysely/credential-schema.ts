/** The credential database's tables, as Kysely sees them (dialect-neutral). */
export interface OperatorsTable {
  name: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface OperatorIdentityKeysTable {
  name: string;
  agreement_key: string;
  signing_key: string;
  published_at: number;
}

export interface CredentialSchema {
  operators: OperatorsTable;
  operator_identity_keys: OperatorIdentityKeysTable;
}

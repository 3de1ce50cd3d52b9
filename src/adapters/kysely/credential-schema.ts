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

/** Each operator's x25519 onion client-authorization key pair (base32), `--onion-client-auth`. */
export interface OperatorOnionAuthKeysTable {
  name: string;
  public_key: string;
  private_key: string;
  created_at: number;
}

/** docs/protocol.md "Groups": an MLS group's epoch (a bigint: PostgreSQL hands it back as a string). */
export interface GroupsTable {
  group_id: string;
  epoch: number | string;
  updated_at: number;
}

/** A group's member mailboxes: who gets its messages. */
export interface GroupMembersTable {
  group_id: string;
  mailbox: string;
}

export interface CredentialSchema {
  operators: OperatorsTable;
  operator_identity_keys: OperatorIdentityKeysTable;
  operator_onion_auth_keys: OperatorOnionAuthKeysTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
}

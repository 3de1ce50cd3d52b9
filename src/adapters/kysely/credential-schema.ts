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

/** docs/protocol.md "Devices and key packages": a device, its certificate and its last-resort key package. */
export interface OperatorDevicesTable {
  name: string;
  device: string;
  signing_key: string;
  certificate: string;
  last_resort_package: string | null;
  created_at: number;
}

/** docs/protocol.md "Approval": an operator's one device awaiting its certificate, dropped after `DEVICE_LIMITS.pendingMs`. */
export interface PendingDevicesTable {
  name: string;
  device: string;
  signing_key: string;
  agreement_key: string;
  created_at: number;
}

/** One-time key packages, each handed out once and deleted as it is. */
export interface DeviceKeyPackagesTable {
  id: string;
  name: string;
  device: string;
  package: string;
  published_at: number;
  /** Its place in the frame that published it: oldest first means by `published_at`, then this. */
  position: number;
}

/** docs/protocol.md "Groups": an MLS group's epoch (a bigint: PostgreSQL hands it back as a string). */
export interface GroupsTable {
  group_id: string;
  epoch: number | string;
  /** The mailbox whose commit made the current epoch (migration 0007); null before it. */
  committer: string | null;
  updated_at: number;
}

/** A group's member mailboxes: who gets its messages. */
export interface GroupMembersTable {
  group_id: string;
  mailbox: string;
  /** The operator part of `mailbox` (migration 0008; its rows were filled then). */
  operator: string;
}

export interface CredentialSchema {
  operators: OperatorsTable;
  operator_identity_keys: OperatorIdentityKeysTable;
  operator_onion_auth_keys: OperatorOnionAuthKeysTable;
  operator_devices: OperatorDevicesTable;
  pending_devices: PendingDevicesTable;
  device_key_packages: DeviceKeyPackagesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
}

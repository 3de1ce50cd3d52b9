import type { ContainerModule } from 'inversify';
import { Authenticator } from '../domain/authenticator.ts';
import { DeviceMailboxes } from '../domain/device-mailboxes.ts';
import { GroupDelivery } from '../domain/group-delivery.ts';
import { ExistingMailboxes } from '../domain/existing-mailboxes.ts';
import { KeyFrames } from '../domain/key-frames.ts';
import { OperatorAccounts } from '../domain/operator-accounts.ts';
import { OperatorDevices } from '../domain/operator-devices.ts';
import { OperatorKeys } from '../domain/operator-keys.ts';
import { PresenceWatchers } from '../domain/presence-watchers.ts';
import { Relay } from '../domain/relay.ts';
import type { RelayConfig as RelayConfigShape } from '../domain/relay-config.ts';
import { Router } from '../domain/router.ts';
import { SessionOpener } from '../domain/session-opener.ts';
import { BootId } from '../ports/boot-id.ts';
import { Challenges } from '../ports/challenges.ts';
import { Clock } from '../ports/clock.ts';
import { ConnectionGateway } from '../ports/connection-gateway.ts';
import { CredentialRepository } from '../ports/credential-repository.ts';
import { DeviceDirectory } from '../ports/device-directory.ts';
import { GroupDirectory } from '../ports/group-directory.ts';
import { KeyDirectory } from '../ports/key-directory.ts';
import { KeyPackageStore } from '../ports/key-package-store.ts';
import { Logger } from '../ports/logger.ts';
import { OnionStatus } from '../ports/onion-status.ts';
import { MessageBuffer } from '../ports/message-buffer.ts';
import { PasswordHasher } from '../ports/password-hasher.ts';
import { Presence } from '../ports/presence.ts';
import { SenderBuckets } from '../ports/sender-buckets.ts';
import { SessionStore } from '../ports/session-store.ts';
import { SignatureVerifier } from '../ports/signature-verifier.ts';
import { ThrottleStore } from '../ports/throttle-store.ts';
import { KeyPackageFetchBuckets, ServerId } from './local-tokens.ts';
import { RelayConfig } from './relay-config-token.ts';
import { optional, typedModule } from './typed-module.ts';

/** Operator accounts and authentication: all the `operator` command needs of the domain. */
export function accountsModule(): ContainerModule {
  return typedModule((bind) => {
    bind(OperatorAccounts)
      .toResolvedValue(
        (credentials: CredentialRepository, hasher: PasswordHasher, keys: KeyDirectory, devices: DeviceDirectory, packages: KeyPackageStore) =>
          new OperatorAccounts(credentials, hasher, keys, devices, packages),
        [CredentialRepository, PasswordHasher, KeyDirectory, DeviceDirectory, KeyPackageStore],
      )
      .inSingletonScope();
    bind(Authenticator)
      .toResolvedValue(
        (credentials: CredentialRepository, hasher: PasswordHasher, throttle: ThrottleStore, clock: Clock) =>
          new Authenticator(credentials, hasher, throttle, clock),
        [CredentialRepository, PasswordHasher, ThrottleStore, Clock],
      )
      .inSingletonScope();
  });
}

/** The routing services and the handler core, built from whatever adapters the other modules bound. */
export function relayModule(config: RelayConfigShape, serverId: () => string): ContainerModule {
  return typedModule((bind) => {
    // Read when the relay is first resolved, once the data directory is prepared.
    bind(ServerId).toDynamicValue(serverId).inSingletonScope();
    bind(RelayConfig).toConstantValue(config);
    bind(DeviceMailboxes)
      .toResolvedValue((devices: DeviceDirectory, clock: Clock, logger: Logger) => new DeviceMailboxes(devices, clock, logger), [DeviceDirectory, Clock, Logger])
      .inSingletonScope();
    bind(Router)
      .toResolvedValue(
        (
          buffer: MessageBuffer, presence: Presence, gateway: ConnectionGateway, sessions: SessionStore, credentials: CredentialRepository,
          devices: DeviceMailboxes, senders: SenderBuckets, clock: Clock, logger: Logger, relayConfig: RelayConfigShape,
        ) =>
          new Router(buffer, presence, gateway, sessions, credentials, devices, senders, clock, logger, relayConfig),
        [MessageBuffer, Presence, ConnectionGateway, SessionStore, CredentialRepository, DeviceMailboxes, SenderBuckets, Clock, Logger, RelayConfig],
      )
      .inSingletonScope();
    bind(PresenceWatchers)
      .toResolvedValue(
        (directory: GroupDirectory, presence: Presence, gateway: ConnectionGateway, router: Router) =>
          new PresenceWatchers(directory, presence, gateway, (from) => router.frameWait(from)),
        [GroupDirectory, Presence, ConnectionGateway, Router],
      )
      .inSingletonScope();
    bind(SessionOpener)
      .toResolvedValue(
        (presence: Presence, buffer: MessageBuffer, gateway: ConnectionGateway, sessions: SessionStore, router: Router, clock: Clock, watchers: PresenceWatchers) =>
          new SessionOpener(presence, buffer, gateway, sessions, router, clock, watchers),
        [Presence, MessageBuffer, ConnectionGateway, SessionStore, Router, Clock, PresenceWatchers],
      )
      .inSingletonScope();
    bind(OperatorKeys)
      .toResolvedValue(
        (
          directory: KeyDirectory, devices: DeviceDirectory, credentials: CredentialRepository, verifier: SignatureVerifier, challenges: Challenges,
          authenticator: Authenticator, serverId: string,
        ) => new OperatorKeys(directory, devices, credentials, verifier, challenges, authenticator, serverId),
        [KeyDirectory, DeviceDirectory, CredentialRepository, SignatureVerifier, Challenges, Authenticator, ServerId],
      )
      .inSingletonScope();
    bind(OperatorDevices)
      .toResolvedValue(
        (
          devices: DeviceDirectory, packages: KeyPackageStore, identities: KeyDirectory, credentials: CredentialRepository,
          verifier: SignatureVerifier, buckets: SenderBuckets, clock: Clock, mailboxes: DeviceMailboxes,
        ) => new OperatorDevices(devices, packages, identities, credentials, verifier, buckets, clock, mailboxes),
        [DeviceDirectory, KeyPackageStore, KeyDirectory, CredentialRepository, SignatureVerifier, KeyPackageFetchBuckets, Clock, DeviceMailboxes],
      )
      .inSingletonScope();
    bind(KeyFrames)
      .toResolvedValue(
        (keys: OperatorKeys, devices: OperatorDevices, gateway: ConnectionGateway, presence: Presence, sessions: SessionStore, logger: Logger) =>
          new KeyFrames(keys, devices, gateway, presence, sessions, logger),
        [OperatorKeys, OperatorDevices, ConnectionGateway, Presence, SessionStore, Logger],
      )
      .inSingletonScope();
    bind(GroupDelivery)
      .toResolvedValue(
        (router: Router, directory: GroupDirectory, credentials: CredentialRepository, devices: DeviceDirectory, gateway: ConnectionGateway, relayConfig: RelayConfigShape) =>
          new GroupDelivery(router, directory, new ExistingMailboxes(credentials, devices), gateway, relayConfig),
        [Router, GroupDirectory, CredentialRepository, DeviceDirectory, ConnectionGateway, RelayConfig],
      )
      .inSingletonScope();
    bind(Relay)
      .toResolvedValue(
        (
          sessions: SessionStore, gateway: ConnectionGateway, presence: Presence, router: Router,
          opener: SessionOpener, authenticator: Authenticator, accounts: OperatorAccounts, keys: OperatorKeys, keyFrames: KeyFrames,
          groups: GroupDelivery, watchers: PresenceWatchers, logger: Logger, relayConfig: RelayConfigShape, boot: BootId, onion: OnionStatus | undefined,
        ) =>
          new Relay({ sessions, gateway, presence, router, opener, authenticator, accounts, keys, keyFrames, groups, watchers, logger, config: relayConfig, boot, onion }),
        [SessionStore, ConnectionGateway, Presence, Router, SessionOpener, Authenticator, OperatorAccounts, OperatorKeys, KeyFrames, GroupDelivery,
          PresenceWatchers, Logger, RelayConfig, BootId, optional(OnionStatus)],
      )
      .inSingletonScope();
  });
}

import type { ContainerModule } from 'inversify';
import { InMemoryBootId } from '../adapters/memory/in-memory-boot-id.ts';
import { InMemoryMessageBuffer } from '../adapters/memory/in-memory-message-buffer.ts';
import { InMemoryPresence } from '../adapters/memory/in-memory-presence.ts';
import { InMemorySenderBuckets } from '../adapters/memory/in-memory-sender-buckets.ts';
import { InMemorySessionStore } from '../adapters/memory/in-memory-session-store.ts';
import { InMemoryThrottleStore } from '../adapters/memory/in-memory-throttle-store.ts';
import { BootId } from '../ports/boot-id.ts';
import { ConnectionGateway } from '../ports/connection-gateway.ts';
import { IdGenerator } from '../ports/id-generator.ts';
import { MessageBuffer } from '../ports/message-buffer.ts';
import { Presence } from '../ports/presence.ts';
import { SenderBuckets } from '../ports/sender-buckets.ts';
import { SessionStore } from '../ports/session-store.ts';
import { ThrottleStore } from '../ports/throttle-store.ts';
import { KeyPackageFetchBuckets, LocalConnectionGateway, LocalIdGenerator } from './local-tokens.ts';
import { typedModule } from './typed-module.ts';

/**
 * This process's memory: sessions always; buffer and presence unless Redis holds them; send
 * buckets and throttles unless the instances act as one (presence in Redis), when Redis holds them.
 */
export function memoryModule(held: { buffer: boolean; presence: boolean }): ContainerModule {
  return typedModule((bind) => {
    bind(SessionStore).to(InMemorySessionStore).inSingletonScope();
    if (held.presence) bind(SenderBuckets).to(InMemorySenderBuckets).inSingletonScope();
    if (held.presence) bind(KeyPackageFetchBuckets).to(InMemorySenderBuckets).inSingletonScope();
    if (held.presence) bind(ThrottleStore).to(InMemoryThrottleStore).inSingletonScope();
    if (held.buffer) bind(MessageBuffer).to(InMemoryMessageBuffer).inSingletonScope();
    if (held.buffer) bind(BootId).to(InMemoryBootId).inSingletonScope();
    if (!held.presence) return;
    bind(Presence).to(InMemoryPresence).inSingletonScope();
    // Presence here means this instance is alone: every connection is its own, and its ids need no instance on them.
    bind(ConnectionGateway).toService(LocalConnectionGateway);
    bind(IdGenerator).toService(LocalIdGenerator);
  });
}

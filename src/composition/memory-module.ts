import { ContainerModule } from 'inversify';
import { InMemoryMessageBuffer } from '../adapters/memory/in-memory-message-buffer.ts';
import { InMemoryPresence } from '../adapters/memory/in-memory-presence.ts';
import { InMemorySenderBuckets } from '../adapters/memory/in-memory-sender-buckets.ts';
import { InMemorySessionStore } from '../adapters/memory/in-memory-session-store.ts';
import { InMemoryThrottleStore } from '../adapters/memory/in-memory-throttle-store.ts';
import { MessageBuffer } from '../ports/message-buffer.ts';
import { Presence } from '../ports/presence.ts';
import { SenderBuckets } from '../ports/sender-buckets.ts';
import { SessionStore } from '../ports/session-store.ts';
import { ThrottleStore } from '../ports/throttle-store.ts';

/** This process's memory: sessions, send buckets and throttles always; buffer and presence unless Redis holds them. */
export function memoryModule(select: { buffer: boolean; presence: boolean }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SessionStore).to(InMemorySessionStore).inSingletonScope();
    bind(SenderBuckets).to(InMemorySenderBuckets).inSingletonScope();
    bind(ThrottleStore).to(InMemoryThrottleStore).inSingletonScope();
    if (select.buffer) bind(MessageBuffer).to(InMemoryMessageBuffer).inSingletonScope();
    if (select.presence) bind(Presence).to(InMemoryPresence).inSingletonScope();
  });
}

import { Container } from 'inversify';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import { InMemoryPresence } from '../../src/adapters/memory/in-memory-presence.ts';
import { resolve, resolveIfBound, typedModule } from '../../src/composition/typed-module.ts';
import { MessageBuffer } from '../../src/ports/message-buffer.ts';
import { Presence } from '../../src/ports/presence.ts';
import { token } from '../../src/ports/token.ts';

/**
 * Each line under `@ts-expect-error` swaps one port for another; `tsc --noEmit` (part of
 * `npm test`) fails if any of them compiles. Plain inversify 8 compiles all of them: a symbol
 * is a `ServiceIdentifier<T>` of every T. The module is only type-checked, never loaded.
 */
typedModule((bind) => {
  // @ts-expect-error a Presence implementation bound under the MessageBuffer token
  bind(MessageBuffer).to(InMemoryPresence);
  // @ts-expect-error a Presence constant bound under the MessageBuffer token
  bind(MessageBuffer).toConstantValue(new InMemoryPresence());
  // @ts-expect-error the MessageBuffer token aliased to the Presence binding
  bind(MessageBuffer).toService(Presence);
  bind(Presence)
    .toResolvedValue(
      (buffer: MessageBuffer, presence: Presence) => (buffer === undefined ? presence : presence),
      // @ts-expect-error a factory's dependencies given in the wrong order
      [Presence, MessageBuffer],
    );
});

test('a port resolves to what was bound under its token, typed by the token', () => {
  const container = new Container();
  const Local = token<MessageBuffer>('Local');
  container.load(
    typedModule((bind) => {
      bind(Local).to(InMemoryMessageBuffer).inSingletonScope();
      bind(MessageBuffer).toService(Local);
    }),
  );
  // @ts-expect-error what the MessageBuffer token resolves to is no Presence
  const presence: Presence = resolve(container, MessageBuffer);
  assert.instance(presence, InMemoryMessageBuffer);
  assert.is(resolve(container, MessageBuffer), resolve(container, Local), 'an alias shares its target singleton');
  assert.is(resolveIfBound(container, Presence), undefined);
});

test.run();

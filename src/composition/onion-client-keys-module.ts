import type { ContainerModule } from 'inversify';
import { KyselyOnionClientKeys } from '../adapters/kysely/kysely-onion-client-keys.ts';
import { OnionClientKeys } from '../ports/onion-client-keys.ts';
import { typedModule } from './typed-module.ts';

/** Operators' onion client-authorization keys, in whichever credential database is bound. */
export function onionClientKeysModule(): ContainerModule {
  return typedModule((bind) => {
    bind(OnionClientKeys).to(KyselyOnionClientKeys).inSingletonScope();
  });
}

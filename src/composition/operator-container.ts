import { Container } from 'inversify';
import type { Logger } from '../ports/logger.ts';
import { credentialsModule } from './credentials-module.ts';
import { cryptoModule } from './crypto-module.ts';
import { accountsModule } from './domain-modules.ts';
import { onionClientKeysModule } from './onion-client-keys-module.ts';
import { systemModule } from './system-module.ts';

/** What `operator` needs: the credential store and the accounts service, nothing that listens. */
export async function operatorContainer(credentials: string, sqlitePath: string, logger: Logger): Promise<Container> {
  const container = new Container();
  container.load(systemModule(logger), cryptoModule(), accountsModule(), await credentialsModule(credentials, sqlitePath), onionClientKeysModule());
  return container;
}

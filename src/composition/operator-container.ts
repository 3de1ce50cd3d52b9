import { Container } from 'inversify';
import type { Logger } from '../ports/logger.ts';
import { accountsModule } from './domain-modules.ts';
import { sqliteModule } from './sqlite-module.ts';
import { systemModule } from './system-module.ts';

/** What `operator` needs: the credential store and the accounts service, nothing that listens. */
export function operatorContainer(credentialsPath: string, logger: Logger): Container {
  const container = new Container();
  container.load(systemModule(logger), accountsModule(), sqliteModule(credentialsPath));
  return container;
}

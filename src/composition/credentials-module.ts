import type { ContainerModule } from 'inversify';
import { postgresModule } from './postgres-module.ts';
import { sqliteModule } from './sqlite-module.ts';

/** `--credentials`: `sqlite` (the file at `sqlitePath`, in the data dir) or a `postgres://` URL. */
export function credentialsModule(credentials: string, sqlitePath: string): ContainerModule {
  return credentials === 'sqlite' ? sqliteModule(sqlitePath) : postgresModule(credentials);
}

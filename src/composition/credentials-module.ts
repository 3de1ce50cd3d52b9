import type { ContainerModule } from 'inversify';
import { sqliteModule } from './sqlite-module.ts';

/**
 * `--credentials`: `sqlite` (the file at `sqlitePath`, in the data dir) or a `postgres://` URL.
 * PostgreSQL's client is loaded only when chosen: it costs every other start memory and time.
 */
export async function credentialsModule(credentials: string, sqlitePath: string): Promise<ContainerModule> {
  if (credentials === 'sqlite') return sqliteModule(sqlitePath);
  return (await import('./postgres-module.ts')).postgresModule(credentials);
}

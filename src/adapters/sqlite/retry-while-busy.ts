/** Pause between tries while another process holds the credential database's write lock. */
const RETRY_EVERY_MS = 20;

/**
 * Runs a statement again while SQLite says the database is busy (another process, such as the
 * `operator` command, is writing), for up to `timeoutMs`. Waiting here, between event-loop turns,
 * rather than in SQLite's busy handler, which sleeps on the only thread, keeps the relay routing
 * for everyone else meanwhile.
 */
export async function retryWhileBusy<T>(statement: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await statement();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

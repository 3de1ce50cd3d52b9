import type { RunningServer } from './server-process.ts';

/** The address from the server's `onion_published` log line, once it has logged it. */
export async function onionPublished(server: RunningServer, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entry = server.logs.find((line) => line.event === 'onion_published');
    if (entry) return String(entry.address);
    if (Date.now() > deadline) throw new Error(`no onion_published in ${JSON.stringify(server.logs)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

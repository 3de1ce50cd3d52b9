import type { RunningServer, ServerSetup } from './server-process.ts';
import { startServer } from './server-process.ts';

/** A real server started with `--web` on a free port, and where its web listener is. */
export interface WebServer {
  readonly server: RunningServer;
  readonly webPort: number;
  /** The app's own origin, as a browser sends it. */
  readonly origin: string;
}

export async function startWebServer(setup: ServerSetup = {}): Promise<WebServer> {
  const server = await startServer({ ...setup, args: ['--web', '--web-port', '0', ...(setup.args ?? [])] });
  const deadline = Date.now() + 5_000;
  for (;;) {
    const line = server.logs.find((entry) => entry.event === 'web_listening');
    if (typeof line?.port === 'number') return { server, webPort: line.port, origin: `http://127.0.0.1:${line.port}` };
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error('no web_listening line within 5 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * PROTOCOL "Command line", health: healthy when the server says hello and answers a ping
 * within `timeoutMs`. Resolves with a one-line verdict.
 */
export async function checkHealth(connect: () => Promise<Socket>, timeoutMs: number): Promise<{ healthy: boolean; detail: string }> {
  let socket: Socket | undefined;
  const deadline = new Promise<{ healthy: false; detail: string }>((resolve) => {
    setTimeout(() => resolve({ healthy: false, detail: `no answer within ${timeoutMs / 1000} s` }), timeoutMs).unref();
  });
  const exchange = (async () => {
    socket = await connect();
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    let greeted = false;
    for await (const line of lines) {
      const frame = parse(line);
      if (!greeted) {
        if (frame?.op !== 'hello' || frame.server !== 'litsxg') return { healthy: false, detail: `unexpected greeting: ${frame?.op === 'error' ? String(frame.code) : 'not a Litsxg server'}` };
        greeted = true;
        socket.write('{"op":"ping","ref":"health"}\n');
      } else if (frame?.op === 'pong' && frame.ref === 'health') {
        socket.write('{"op":"quit"}\n');
        return { healthy: true, detail: 'hello and pong received' };
      }
    }
    return { healthy: false, detail: 'connection closed before pong' };
  })().catch((error: Error) => ({ healthy: false, detail: error.message }));
  try {
    return await Promise.race([exchange, deadline]);
  } finally {
    socket?.destroy();
  }
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

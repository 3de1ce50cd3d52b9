import type { Socket } from 'node:net';
import { ClientFrameChannel } from '../../client/client-frame-channel.ts';
import type { ServerFrame } from '../../client/client-frame-channel.ts';

type Verdict = { healthy: boolean; detail: string };

/**
 * PROTOCOL "Command line", health: healthy when the server says hello and answers a ping
 * within `timeoutMs`, and does not say its onion is down. Resolves with a one-line verdict. Speaks through the client's framing.
 */
export async function checkHealth(connect: () => Promise<Socket>, timeoutMs: number): Promise<Verdict> {
  let channel: ClientFrameChannel | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Verdict>((settle) => {
      let settled = false;
      const resolve = (verdict: Verdict) => {
        settled = true;
        settle(verdict);
      };
      timer = setTimeout(() => resolve({ healthy: false, detail: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
      let greeted = false;
      const onFrame = (frame: ServerFrame) => {
        if (!greeted) {
          if (frame.op !== 'hello' || frame.server !== 'litsxg') {
            resolve({ healthy: false, detail: `unexpected greeting: ${frame.op === 'error' ? String(frame.code) : 'not a Litsxg server'}` });
            return;
          }
          // docs/protocol.md "Onion": the server runs, but what Tor clients reach it by is gone.
          if (frame.onion === 'down') {
            resolve({ healthy: false, detail: 'the onion service is down: the server runs, but Tor clients cannot reach it (see its onion_lost log)' });
            return;
          }
          greeted = true;
          channel?.send({ op: 'ping', ref: 'health' });
        } else if (frame.op === 'pong' && frame.ref === 'health') {
          channel?.send({ op: 'quit' });
          resolve({ healthy: true, detail: 'hello and pong received' });
        }
      };
      connect().then(
        (socket) => {
          // Too late: the verdict is in.
          if (settled) return void socket.destroy();
          channel = new ClientFrameChannel(socket, onFrame, () => resolve({ healthy: false, detail: 'connection closed before pong' }));
        },
        (error: Error) => resolve({ healthy: false, detail: error.message }),
      );
    });
  } finally {
    clearTimeout(timer);
    channel?.close();
  }
}

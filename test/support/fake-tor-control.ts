import { createServer, type Server, type Socket } from 'node:net';

/** Tor's answer to one command line: its reply lines, CRLF added here; undefined: the default; a promise: a slow tor. */
export type FakeAnswer = (command: string) => readonly string[] | undefined | Promise<readonly string[] | undefined>;

export interface FakeTorControl {
  readonly port: number;
  /** Every command line received, in order, on every connection. */
  readonly commands: string[];
  /** Closes the open control connections, as a tor that exits does. */
  dropConnections(): void;
  close(): Promise<void>;
}

const SERVICE_ID = 'a'.repeat(56);
const KEY = `ED25519-V3:${Buffer.alloc(64, 7).toString('base64')}`;

/** The few commands the onion service sends, answered like a tor without authentication would. */
function defaultAnswer(command: string): readonly string[] {
  const [verb] = command.split(' ');
  if (verb === 'PROTOCOLINFO') return ['250-PROTOCOLINFO 1', '250-AUTH METHODS=NULL', '250-VERSION Tor="0.4.7.16"', '250 OK'];
  if (verb === 'ADD_ONION') return [`250-ServiceID=${SERVICE_ID}`, ...(command.includes('NEW:') ? [`250-PrivateKey=${KEY}`] : []), '250 OK'];
  return ['250 OK'];
}

/** A control port on 127.0.0.1 that answers through `answer` (a fixed `port` to take over a closed one). */
export async function startFakeTorControl(answer: FakeAnswer = () => undefined, port = 0): Promise<FakeTorControl> {
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    // Replies go out in order, even when one is slow.
    let replied = Promise.resolve();
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (let end = buffered.indexOf('\r\n'); end !== -1; end = buffered.indexOf('\r\n')) {
        const command = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        commands.push(command);
        const reply = Promise.resolve(answer(command));
        replied = replied.then(async () => {
          socket.write(`${((await reply) ?? defaultAnswer(command)).join('\r\n')}\r\n`);
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    commands,
    dropConnections: () => sockets.forEach((socket) => socket.destroy()),
    close: () => new Promise((resolve) => {
      sockets.forEach((socket) => socket.destroy());
      server.close(() => resolve());
    }),
  };
}

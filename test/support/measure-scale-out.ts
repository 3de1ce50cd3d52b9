// Messages per second through one server and through two servers sharing Redis (issue 6).
// Usage: npx tsx test/support/measure-scale-out.ts [seconds=8] [pairs=20] [window=32]
// P sender/receiver pairs; each sender keeps `window` sends unanswered; receivers ack every msg.
// Counts msgs received during the measured seconds, after a 2 s warm-up.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { LineSplitter } from '../../src/client/line-splitter.ts';
import { startSharedBackends } from './scale-out.ts';
import { PASSWORD } from './seed-operators.ts';
import { startServer } from './server-process.ts';
import type { RunningServer } from './server-process.ts';

const [seconds = 8, pairs = 20, window = 32] = process.argv.slice(2).map(Number);
const BODY = 'x'.repeat(100);

class Lean {
  private readonly lines = new LineSplitter();
  constructor(readonly socket: Socket, onLine: (line: string, socket: Socket) => void) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.lines.push(chunk, (line) => onLine(line, socket)));
    socket.on('error', () => undefined);
  }
  static async login(port: number, name: string, onLine: (line: string, socket: Socket) => void): Promise<Lean> {
    const socket = connect({ port, host: '127.0.0.1' });
    let welcomed!: () => void;
    const welcome = new Promise<void>((resolve) => { welcomed = resolve; });
    let ready = false;
    const lean = new Lean(socket, (line) => {
      if (!ready && line.includes('"welcome"')) { ready = true; welcomed(); return; }
      if (ready) onLine(line, socket);
    });
    socket.write(`${JSON.stringify({ op: 'auth', name, password: PASSWORD })}\n`);
    await welcome;
    return lean;
  }
}

async function run(label: string, senderPorts: number[], receiverPorts: number[]): Promise<number> {
  let received = 0;
  let counting = false;
  let running = true;
  const clients: Lean[] = [];
  for (let i = 0; i < pairs; i++) {
    const receiver = await Lean.login(receiverPorts[i % receiverPorts.length]!, `r${i}`, (line, socket) => {
      const id = /"id":"([^"]+)"/.exec(line)?.[1];
      if (!line.startsWith('{"op":"msg"') || id === undefined) return;
      if (counting) received++;
      socket.write(`{"op":"ack","id":"${id}"}\n`);
    });
    let inflight = 0;
    const pump = () => {
      let out = '';
      while (running && inflight < window) { inflight++; out += `{"op":"send","to":"r${i}","body":"${BODY}"}\n`; }
      if (out) sender.socket.write(out);
    };
    const sender: Lean = await Lean.login(senderPorts[i % senderPorts.length]!, `s${i}`, (line) => {
      if (line.startsWith('{"op":"sent"') || line.startsWith('{"op":"error"')) { inflight--; pump(); }
    });
    clients.push(receiver, sender);
    setImmediate(pump);
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  counting = true;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  counting = false;
  running = false;
  const rate = Math.round(received / seconds);
  console.log(`${label}: ${rate} msg/s`);
  for (const client of clients) client.socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 500));
  return rate;
}

const names = Array.from({ length: pairs }, (_, i) => [`s${i}`, `r${i}`]).flat();
const backends = await startSharedBackends();
const servers: RunningServer[] = [];
try {
  const credentials = await backends.credentials(names);
  const memory = await startServer({ operators: names, args: ['--send-rate', '0'] });
  servers.push(memory);
  await run('1 server, memory buffer', [memory.port], [memory.port]);
  await memory.stop();
  const a = await backends.server(credentials);
  servers.push(a);
  await run('1 server, Redis buffer and presence', [a.port], [a.port]);
  const b = await backends.server(credentials);
  servers.push(b);
  await run('2 servers, each pair on one server', [a.port, b.port], [a.port, b.port]);
  await run('2 servers, every message crossing', [a.port], [b.port]);
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  await backends.stop();
}

import { createServer, type Socket } from 'node:net';
import { parseCommandLine } from '../src/adapters/cli/option-parser.ts';
import { defineCommand, integerOption, textOption } from '../src/adapters/cli/option-spec.ts';
import { LineSplitter } from '../src/client/line-splitter.ts';

/**
 * The reference bare relay: the same JSON-lines frames with nothing but routing, so that every
 * bench run can report the real server against the runtime's practical limit. Bench only,
 * never shipped as a server: no password check, no limits, acks ignored. Its only queue holds
 * encoded `msg` lines for offline names, so the `offline` workload has a drain to compare.
 */
class BareConnection {
  name: string | undefined;
  private out: string[] = [];
  private readonly lines = new LineSplitter();

  constructor(readonly socket: Socket, private readonly relay: BareRelay) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      this.lines.push(chunk, (line) => this.relay.onLine(this, line));
      this.relay.flushAll();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.relay.onClose(this));
  }

  queue(line: string): void {
    if (this.out.length === 0) this.relay.dirty.push(this);
    this.out.push(line);
  }

  flush(): void {
    if (this.out.length === 0) return;
    // One write per connection per received chunk: the batching the real server should match.
    this.socket.write(this.out.join('\n') + '\n');
    this.out = [];
  }
}

class BareRelay {
  readonly dirty: BareConnection[] = [];
  private readonly online = new Map<string, BareConnection>();
  private readonly offline = new Map<string, string[]>();
  private nextId = 0;

  onLine(conn: BareConnection, line: string): void {
    if (line.length === 0) return;
    let frame: { op?: unknown; name?: unknown; to?: unknown; body?: unknown; ref?: unknown };
    try {
      frame = JSON.parse(line);
    } catch {
      conn.queue('{"op":"error","code":"bad_frame","message":"not a JSON object"}');
      return;
    }
    const ref = typeof frame.ref === 'string' ? frame.ref : undefined;
    switch (frame.op) {
      case 'auth':
      case 'auth_key':
      case 'register':
        this.welcome(conn, String(frame.name));
        return;
      case 'send':
        this.route(conn, String(frame.to), String(frame.body), ref);
        return;
      case 'ack':
        return;
      case 'ping':
        conn.queue(ref === undefined ? '{"op":"pong"}' : JSON.stringify({ op: 'pong', ref }));
        return;
      case 'who':
        conn.queue(JSON.stringify({ op: 'online', names: [...this.online.keys()].sort() }));
        return;
      case 'quit':
        conn.queue('{"op":"bye","reason":"quit"}');
        conn.flush();
        conn.socket.end();
        return;
      default:
        conn.queue('{"op":"error","code":"unknown_op","message":"unknown op"}');
    }
  }

  private welcome(conn: BareConnection, name: string): void {
    const previous = this.online.get(name);
    if (previous !== undefined && previous !== conn) {
      previous.name = undefined;
      previous.queue('{"op":"bye","reason":"replaced"}');
      previous.flush();
      previous.socket.end();
    }
    conn.name = name;
    this.online.set(name, conn);
    const pending = this.offline.get(name) ?? [];
    this.offline.delete(name);
    conn.queue(JSON.stringify({ op: 'welcome', name, pending: pending.length }));
    for (const line of pending) conn.queue(line);
  }

  private route(conn: BareConnection, to: string, body: string, ref: string | undefined): void {
    if (conn.name === undefined) {
      conn.queue('{"op":"error","code":"not_authenticated","message":"authenticate first"}');
      return;
    }
    const id = `m-${(this.nextId++).toString(36)}`;
    const msg = JSON.stringify({ op: 'msg', id, from: conn.name, body, ts: Date.now() });
    const peer = this.online.get(to);
    if (peer !== undefined) peer.queue(msg);
    else {
      const queue = this.offline.get(to);
      if (queue === undefined) this.offline.set(to, [msg]);
      else queue.push(msg);
    }
    const status = peer === undefined ? 'queued' : 'delivered';
    conn.queue(ref === undefined
      ? `{"op":"sent","id":"${id}","status":"${status}"}`
      : JSON.stringify({ op: 'sent', ref, id, status }));
  }

  onClose(conn: BareConnection): void {
    if (conn.name !== undefined && this.online.get(conn.name) === conn) this.online.delete(conn.name);
  }

  flushAll(): void {
    for (const conn of this.dirty) conn.flush();
    this.dirty.length = 0;
  }
}

const BARE_RELAY = defineCommand({
  name: 'bare-relay',
  usage: 'bare-relay [options]   (bench/bare-relay.ts, started by the bench)',
  summary: 'The reference bare relay the bench measures the server against.',
  environment: false,
  options: {
    host: textOption('HOST', { default: '127.0.0.1', description: 'address to listen on' }),
    port: integerOption(0, 65535, { default: '0', description: 'port; 0 picks a free one' }),
  },
});

function main(argv: string[]): void {
  const parsed = parseCommandLine(BARE_RELAY, argv, {});
  if (parsed.kind !== 'run') {
    process.stderr.write(parsed.kind === 'help' ? parsed.text : `bare-relay: ${parsed.message}\n`);
    process.exit(parsed.kind === 'help' ? 0 : 2);
  }
  const { host, port } = parsed.values;
  const relay = new BareRelay();
  const server = createServer((socket) => {
    const conn = new BareConnection(socket, relay);
    conn.queue('{"op":"hello","server":"litsxg","protocol":1,"registration":"open"}');
    relay.flushAll();
  });
  server.listen(port, host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    process.stderr.write(`${JSON.stringify({ event: 'listening', host, port })}\n`);
  });
  const stop = (): void => {
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main(process.argv.slice(2));

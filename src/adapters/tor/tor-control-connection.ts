import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { TorControlError } from './tor-control-error.ts';

/** One complete reply: its status code and its lines, data blocks (`250+`) joined in. */
export interface TorReply {
  readonly status: number;
  readonly lines: readonly string[];
}

interface Pending {
  resolve(reply: TorReply): void;
  reject(error: Error): void;
}

/** A control-port connection: commands answered in order (control-spec section 2.2). */
export class TorControlConnection {
  private readonly pending: Pending[] = [];
  private buffer = '';
  private lines: string[] = [];
  private dataBlock: string[] | undefined;
  private closedError: TorControlError | undefined;
  private lostListener: ((error: TorControlError) => void) | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly label: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined); // 'close' follows and reports it
    socket.on('close', () => this.onClose());
  }

  static open(endpoint: NetConnectOpts, label: string, timeoutMs: number): Promise<TorControlConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(endpoint);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TorControlError('unreachable', `tor control port ${label} unreachable: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new TorControlError('unreachable', `tor control port ${label} unreachable: ${error.code ?? error.message}`));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new TorControlConnection(socket, label));
      });
    });
  }

  /** Sends one command line (no CRLF inside) and resolves with tor's reply, whatever its status. */
  command(line: string, timeoutMs = 30_000): Promise<TorReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        reject(new TorControlError('unreachable', `tor control port ${this.label} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.push({
        resolve: (reply) => { clearTimeout(timer); resolve(reply); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      this.socket.write(`${line}\r\n`);
    });
  }

  /** Like `command`, but a status other than 250 is a `refused` TorControlError. */
  async expectOk(line: string, what: string): Promise<TorReply> {
    const reply = await this.command(line);
    if (reply.status !== 250) {
      throw new TorControlError('refused', `tor refused ${what}: ${reply.status} ${reply.lines.join(' ')}`);
    }
    return reply;
  }

  /** Called once if the connection closes before `close()` was asked for. */
  onLost(listener: (error: TorControlError) => void): void {
    this.lostListener = listener;
  }

  get isOpen(): boolean {
    return this.closedError === undefined;
  }

  close(): Promise<void> {
    this.lostListener = undefined;
    if (this.closedError) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.onLine(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private onLine(line: string): void {
    if (this.dataBlock) {
      if (line === '.') {
        this.lines.push(this.dataBlock.join('\n'));
        this.dataBlock = undefined;
      } else {
        this.dataBlock.push(line.startsWith('..') ? line.slice(1) : line);
      }
      return;
    }
    const match = /^(\d{3})([ +-])(.*)$/.exec(line);
    if (!match) {
      this.socket.destroy(new TorControlError('protocol', `tor control port ${this.label} sent an unparsable line`));
      return;
    }
    const [, code = '', separator, text = ''] = match;
    if (separator === '+') {
      this.lines.push(text);
      this.dataBlock = [];
      return;
    }
    this.lines.push(text);
    if (separator === '-') return;
    const reply = { status: Number(code), lines: this.lines };
    this.lines = [];
    // Asynchronous events (6xx) are never answers to a command.
    if (code.startsWith('6')) return;
    this.pending.shift()?.resolve(reply);
  }

  private onClose(): void {
    const lost = this.lostListener;
    this.closedError = new TorControlError('closed', `tor control connection ${this.label} closed`);
    for (const pending of this.pending.splice(0)) pending.reject(this.closedError);
    lost?.(this.closedError);
  }
}

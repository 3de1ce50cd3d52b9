import { ProtocolClient } from './protocol-client.ts';
import type { Frame } from './protocol-client.ts';

export interface PairReport {
  readonly accepted: number;
  readonly received: number;
  readonly lost: number;
  /** Milliseconds from `send` to the recipient's `msg`, one per message received. */
  readonly latenciesMs: number[];
}

/**
 * Two operators keep exchanging messages through a real server while an attack runs: `from`
 * sends to `to` every `everyMs`, `to` acknowledges each. `stop` waits for stragglers and reports
 * what was accepted, received and lost.
 */
export async function startMessagePair(port: number, from: string, to: string, everyMs = 50) {
  const sender = await ProtocolClient.login(port, from);
  const recipient = await ProtocolClient.login(port, to);
  const sentAt = new Map<string, number>();
  const accepted = new Set<string>();
  const received = new Set<string>();
  const latenciesMs: number[] = [];
  let next = 0;
  const fromSender = unread(sender);
  const fromRecipient = unread(recipient);
  sender.socket.on('data', () => {
    for (const frame of fromSender()) {
      if (frame.op === 'sent') accepted.add(String(frame.id));
    }
  });
  recipient.socket.on('data', () => {
    for (const frame of fromRecipient()) {
      if (frame.op !== 'msg') continue;
      const id = String(frame.id);
      const body = String(frame.body);
      if (!received.has(id)) latenciesMs.push(Date.now() - (sentAt.get(body) ?? Date.now()));
      received.add(id);
      recipient.send({ op: 'ack', id });
    }
  });
  const timer = setInterval(() => {
    const body = `pair-${from}-${next++}`;
    sentAt.set(body, Date.now());
    sender.send({ op: 'send', to, body, ref: body });
  }, everyMs);
  return {
    async stop(): Promise<PairReport> {
      clearInterval(timer);
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && (accepted.size < next || [...accepted].some((id) => !received.has(id)))) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      sender.close();
      recipient.close();
      const lost = [...accepted].filter((id) => !received.has(id)).length;
      return { accepted: accepted.size, received: received.size, lost, latenciesMs };
    },
  };
}

/** Each call returns the frames the client parsed since the last call (the pair reads as they come). */
function unread(client: ProtocolClient): () => Frame[] {
  let seen = client.received.length;
  return () => {
    const frames = client.received.slice(seen);
    seen = client.received.length;
    return frames;
  };
}

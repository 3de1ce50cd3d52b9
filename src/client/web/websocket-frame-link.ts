import type { ClientFrame, FrameLink, ServerFrame } from '../conversations/frame-link.ts';

/**
 * The browser's FrameLink: one frame per WebSocket text message, in both directions
 * (docs/protocol.md "Web client"). What arrives goes to every handler in order; a message that
 * is not a frame is dropped, as the terminal client drops a line it cannot parse.
 */
export class WebSocketFrameLink implements FrameLink {
  private readonly frameHandlers: ((frame: ServerFrame) => void)[] = [];
  private readonly closeHandlers: (() => void)[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
    socket.addEventListener('close', () => {
      for (const handler of this.closeHandlers) handler();
    });
  }

  /** The app's own server: the page's origin, path /ws (ws: on an onion, whose circuit is already end-to-end encrypted). */
  static url(location: Location): string {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  }

  /** Resolves once open; rejects when the server cannot be reached or refuses the page. */
  static open(url: string): Promise<WebSocketFrameLink> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const failed = () => reject(new Error('the server could not be reached'));
      socket.addEventListener('error', failed, { once: true });
      socket.addEventListener('open', () => {
        socket.removeEventListener('error', failed);
        resolve(new WebSocketFrameLink(socket));
      }, { once: true });
    });
  }

  send(frame: ClientFrame): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  onFrame(handler: (frame: ServerFrame) => void): void {
    this.frameHandlers.push(handler);
  }

  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }

  close(): void {
    this.socket.close(1000);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null || typeof (frame as { op?: unknown }).op !== 'string') return;
    for (const handler of this.frameHandlers) handler(frame as ServerFrame);
  }
}

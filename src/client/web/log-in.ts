import type { ClientFrame, ServerFrame } from '../conversations/frame-link.ts';
import { WebSocketFrameLink } from './websocket-frame-link.ts';

/** A slow Tor circuit may take this long to answer; the server's own auth timeout is 10 s after connecting. */
const LOGIN_TIMEOUT_MS = 30_000;

export type LoginResult =
  | { readonly ok: true; readonly link: WebSocketFrameLink; readonly name: string; readonly pending: number; readonly hello?: Extract<ServerFrame, { op: 'hello' }> | undefined; readonly device?: string | undefined }
  | { readonly ok: false; readonly reason: string };

/**
 * PROTOCOL "Session": hello, then `auth` (or `register` where registration is open), then
 * welcome. The frames that follow welcome (pending messages) are held by the caller's handler,
 * which it registers before this resolves, so none is missed.
 */
export function logIn(url: string, name: string, password: string, register: boolean, onFrame: (frame: ServerFrame) => void): Promise<LoginResult> {
  return connect(url, () => ({ op: register ? 'register' : 'auth', name, password }), onFrame);
}

type Hello = Extract<ServerFrame, { op: 'hello' }>;

/** As logIn, with the frame that answers `hello` chosen from it (a device's `auth_key` signs its challenge); `hello` is kept on the result. */
export async function connect(url: string, answer: (hello: Hello) => ClientFrame | undefined, onFrame: (frame: ServerFrame) => void): Promise<LoginResult> {
  let link: WebSocketFrameLink;
  try {
    link = await WebSocketFrameLink.open(url);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return new Promise((resolve) => {
    let hello: Hello | undefined;
    let settled = false;
    const settle = (result: LoginResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!result.ok) link.close();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ ok: false, reason: 'the server did not answer in time' }), LOGIN_TIMEOUT_MS);
    link.onClose(() => settle({ ok: false, reason: 'the server closed the connection' }));
    link.onFrame((frame) => {
      if (settled) return onFrame(frame);
      if (frame.op === 'hello') {
        hello = frame;
        const reply = answer(frame);
        if (reply === undefined) settle({ ok: false, reason: 'this server cannot log this device in' });
        else link.send(reply);
      } else if (frame.op === 'welcome') settle({ ok: true, link, name: frame.name, pending: frame.pending, hello, device: frame.device });
      else if (frame.op === 'error') settle({ ok: false, reason: frame.message });
    });
  });
}

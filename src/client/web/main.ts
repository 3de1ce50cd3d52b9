import { ChatView } from './chat-view.ts';
import { DirectMessages } from './direct-messages.ts';
import { logIn } from './log-in.ts';
import { loginView } from './login-view.ts';
import { WebSocketFrameLink } from './websocket-frame-link.ts';
import type { ServerFrame } from '../conversations/frame-link.ts';

/** Well inside the server's idle timeout (300 s by default), so an open tab stays connected. */
const PING_EVERY_MS = 60_000;

const root = document.getElementById('app')!;

function showLogin(): void {
  root.replaceChildren(loginView(async ({ name, password, register }) => {
    // Frames after welcome (pending messages) wait here until the chat is built, a moment later.
    const early: ServerFrame[] = [];
    let handle = (frame: ServerFrame) => void early.push(frame);
    const result = await logIn(WebSocketFrameLink.url(location), name, password, register, (frame) => handle(frame));
    if (!result.ok) return result.reason;
    const { link } = result;
    let view: ChatView | undefined;
    const direct = new DirectMessages(result.name, (frame) => link.send(frame), {
      changed: (peer, entry, isNew) => view?.changed(direct.open(peer), entry, isNew),
    });
    view = new ChatView(result.name, {
      say: (peer, text) => direct.say(peer, text, Date.now()),
      logOut: () => {
        link.send({ op: 'quit' });
        showLogin();
      },
    }, () => direct.conversations.values(), (peer) => direct.open(peer));
    const ping = setInterval(() => link.send({ op: 'ping' }), PING_EVERY_MS);
    handle = (frame) => {
      if (direct.onFrame(frame)) return;
      if (frame.op === 'bye') view?.disconnected(frame.reason === 'replaced' ? 'Logged in elsewhere: this page is disconnected.' : 'The server ended the session.');
    };
    link.onClose(() => {
      clearInterval(ping);
      view?.disconnected('Disconnected. Reload the page to log in again.');
    });
    root.replaceChildren(view.root);
    for (const frame of early.splice(0)) handle(frame);
    return undefined;
  }));
}

showLogin();

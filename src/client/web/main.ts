import { ChatView } from './chat-view.ts';
import { DirectMessages } from './direct-messages.ts';
import type { LoginResult } from './log-in.ts';
import { loginView } from './login-view.ts';
import type { Credentials } from './login-view.ts';
import { WebSocketFrameLink } from './websocket-frame-link.ts';
import type { ServerFrame } from '../conversations/frame-link.ts';
import { ConversationService } from '../conversations/conversation-service.ts';
import { Conversations } from '../conversations/conversations.ts';
import { Requests } from '../conversations/requests.ts';
import { GRANT_PREFIX } from '../device-approval.ts';
import { deviceKeys } from '../device-enrolment.ts';
import { DeviceManagement } from '../device-management.ts';
import { BrowserKeys } from './browser-keys.ts';
import { PinnedIdentities } from './pinned-identities.ts';
import { logInAsDevice } from './device-login.ts';
import { IndexedDbConversationStore } from './indexeddb-conversation-store.ts';
import { MlsConversations } from './mls-conversations.ts';
import { PassphraseSealer } from './passphrase-sealer.ts';

/** Well inside the server's idle timeout (300 s by default), so an open tab stays connected. */
const PING_EVERY_MS = 60_000;

const root = document.getElementById('app')!;
let sealer: PassphraseSealer | undefined;

function showLogin(): void {
  root.replaceChildren(loginView((credentials, progress) => deviceSession(credentials, progress)
    // Storage refused (IndexedDB off) or a step that threw: said on the form, which can be tried again.
    .catch((error: Error) => `Could not log in: ${error.message}`)));
}

/**
 * This browser is a device of its operator (device-login.ts) and its conversations are MLS,
 * through the ConversationService the terminal uses too. Keys, pins and group states live in the
 * IndexedDB store sealed under the passphrase.
 */
async function deviceSession({ name, password, passphrase, register }: Credentials, progress: (text: string) => void): Promise<string | undefined> {
  progress('Opening this browser\'s keys (this takes some seconds)…');
  sealer ??= new PassphraseSealer();
  const store = await IndexedDbConversationStore.open(`litsxg-${name}`, passphrase, sealer);
  if (store === undefined) return `That is not the passphrase this browser's keys of ${name} were kept under.`;
  const keys = await BrowserKeys.open(store);
  const early: ServerFrame[] = [];
  let handle: (frame: ServerFrame) => void = (frame) => void early.push(frame);
  progress('Connecting…');
  const result = await logInAsDevice({ url: WebSocketFrameLink.url(location), name, password, register, keys, say: progress, onFrame: (frame) => handle(frame) });
  if (!result.ok) {
    store.close();
    return result.reason;
  }
  const { link } = result;
  const me = deviceKeys(keys, result.name)!;
  const requests = new Requests(link, 'mls-');
  const identities = await PinnedIdentities.open(store, result.name, keys, requests);
  const core = await Conversations.open({ store, device: me, identities });
  let view: ChatView | undefined;
  let mls: MlsConversations | undefined;
  const service = new ConversationService(core, requests, (event) => mls?.onEvent(event), (frame) => link.send(frame));
  mls = new MlsConversations(service, (conversation, entry, isNew) => view?.changed(conversation, entry, isNew), (text) => view?.say(text), store);
  const devices = new DeviceManagement(service, requests, () => keys.identity, identities.pins, (text) => view?.devices.say(text));
  await mls.load();
  const conversations = mls;
  // Plain texts still reach a device (sent by a client without MLS): shown apart, and said to be plain.
  const direct = new DirectMessages(result.name, (frame) => link.send(frame), {
    changed: (peer, entry, isNew) => view?.changed(direct.open(peer), entry, isNew),
  }, (peer) => `${peer} (not encrypted)`);
  view = new ChatView(result.name, {
    say: (conversation, text) => conversations.conversations.has(conversation.peer) ? void conversations.say(conversation, text) : direct.say(conversation.peer, text, Date.now()),
    logOut: () => {
      link.send({ op: 'quit' });
      store.close();
      showLogin();
    },
    create: (group) => conversations.createGroup(group),
    groups: {
      invite: (conversation, names) => conversations.invite(conversation, names),
      remove: (conversation, name) => conversations.remove(conversation, name),
      leave: (conversation) => conversations.leave(conversation),
    },
    trust: {
      others: (conversation) => conversations.others(conversation),
      changed: (name) => identities.changed(name),
      verify: (name) => identities.verify(name),
      trust: (name) => identities.trust(name),
    },
    devices: {
      list: () => devices.list(),
      approve: (code) => devices.approve(code),
      remove: (device) => devices.remove(device),
    },
  }, () => [...conversations.conversations.values(), ...direct.conversations.values()], (peer) => conversations.direct(peer));
  handle = (frame) => {
    if (service.onFrame(frame)) return;
    // A grant reaches every session of the name: only a pending device takes it.
    if (frame.op === 'msg' && frame.body.startsWith(GRANT_PREFIX)) return link.send({ op: 'ack', ids: [frame.id] });
    if (!direct.onFrame(frame)) ended(view!, frame);
  };
  connected(result, view, () => store.close());
  for (const frame of early.splice(0)) handle(frame);
  view.say('Opening your conversations…');
  try {
    await service.ready();
    conversations.sync();
    view.say(`Conversations ready on device ${me.device}: ${service.list().length}`);
  } catch (error) {
    view.say(`Conversations unavailable on this connection: ${(error as Error).message}`);
  }
  return undefined;
}

function connected(result: Extract<LoginResult, { ok: true }>, view: ChatView, closed: () => void): void {
  const ping = setInterval(() => result.link.send({ op: 'ping' }), PING_EVERY_MS);
  result.link.onClose(() => {
    clearInterval(ping);
    closed();
    view.disconnected('Disconnected. Reload the page to log in again.');
  });
  root.replaceChildren(view.root);
}

function ended(view: ChatView, frame: ServerFrame): void {
  if (frame.op === 'bye') view.disconnected(frame.reason === 'replaced' ? 'Logged in elsewhere: this page is disconnected.' : 'The server ended the session.');
}

showLogin();

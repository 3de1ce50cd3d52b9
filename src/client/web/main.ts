import { ChatView } from './chat-view.ts';
import { DirectMessages } from './direct-messages.ts';
import type { LoginResult } from './log-in.ts';
import { SessionLink } from './session-link.ts';
import { loginView } from './login-view.ts';
import type { Credentials } from './login-view.ts';
import { WebSocketFrameLink } from './websocket-frame-link.ts';
import type { ServerFrame } from '../conversations/frame-link.ts';
import { ConversationService } from '../conversations/conversation-service.ts';
import { Conversations } from '../conversations/conversations.ts';
import { Requests } from '../conversations/requests.ts';
import { TrustedSending } from '../conversations/trusted-sending.ts';
import { GRANT_PREFIX } from '../device-approval.ts';
import { deviceKeys } from '../device-enrolment.ts';
import { DeviceManagement } from '../device-management.ts';
import { BrowserKeys } from './browser-keys.ts';
import { PinnedIdentities } from './pinned-identities.ts';
import { logInAsDevice, logInByDeviceKey } from './device-login.ts';
import { IndexedDbConversationStore } from './indexeddb-conversation-store.ts';
import { MlsConversations } from './mls-conversations.ts';
import { PassphraseSealer } from './passphrase-sealer.ts';
import { afterRestart } from './server-restarts.ts';

type LoggedIn = Extract<LoginResult, { ok: true }>;

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
  const login = { url: WebSocketFrameLink.url(location), name, password, register, keys, say: progress, onFrame: (frame: ServerFrame) => handle(frame) };
  const result = await logInAsDevice(login);
  if (!result.ok) {
    store.close();
    return result.reason;
  }
  let view: ChatView | undefined;
  // Once logged in, and again after each login again: the conversations open, and what a restarted server lost goes again.
  let opened: (hello: LoggedIn['hello']) => Promise<void> = async () => undefined;
  const link = new SessionLink(result, () => logInByDeviceKey(login), {
    lost: (retrying) => {
      requests.lost();
      if (retrying) view?.disconnected('Connection lost: logging in again…');
    },
    failed: (reason, pauseMs) => view?.disconnected(`Could not log in again (${reason}); trying again in ${Math.round(pauseMs / 1000)} s…`),
    back: (again) => {
      view?.reconnected('Logged in again.');
      void opened(again.hello);
    },
  });
  const me = deviceKeys(keys, result.name)!;
  const requests = new Requests(link, 'mls-');
  const identities = await PinnedIdentities.open(store, result.name, keys, requests);
  const core = await Conversations.open({ store, device: me, identities });
  let mls: MlsConversations | undefined;
  // The terminal's holds (docs/protocol.md "Holds") on this browser's pins.
  const service = new ConversationService(core, requests, (event) => mls?.onEvent(event), (frame) => link.send(frame), identities.contactKeys());
  const sending = new TrustedSending(service, requests);
  mls = new MlsConversations(service, (conversation, entry, isNew) => view?.changed(conversation, entry, isNew), (text) => view?.say(text), store, () => view?.holdsChanged());
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
      link.end();
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
      held: async (name) => {
        await service.holds.check([name]);
        if (service.holds.identityChanged(name)) return 'key';
        return service.holds.holding([name]).length > 0 ? 'device' : undefined;
      },
      verify: (name) => identities.verify(name),
      trust: async (name) => {
        const trusted = await identities.trust(name);
        // As the terminal's /trust: NAME's devices taken, what NAME sent shown, NAME's old devices
        // replaced, and what was held for NAME (a text re-sent after a restart) sent.
        if (!trusted.ok) return trusted;
        await sending.trusted(name).then((released) => {
          for (const { to, outcome } of released) view?.say(`Sent what was held for ${to}: ${outcome}`);
        }, (error: Error) => view?.say(`After trusting ${name}: ${error.message}`));
        return trusted;
      },
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
    // Another login of this device took over: logging in again would take it back, and so on.
    if (!direct.onFrame(frame) && frame.op === 'bye' && frame.reason === 'replaced') {
      link.end();
      store.close();
      view!.disconnected('Logged in elsewhere: this page is disconnected.');
    }
  };
  root.replaceChildren(view.root);
  for (const frame of early.splice(0)) handle(frame);
  view.say('Opening your conversations…');
  opened = async (hello) => {
    try {
      await service.ready();
      conversations.sync();
      view!.say(`Conversations ready on device ${me.device}: ${service.list().length}`);
      // What a restarted server lost goes again, changes and invitations first (docs/protocol.md "Restarts").
      await afterRestart(store, hello, async () => {
        for (const problem of await service.resendHandshakes()) view!.say(problem);
        await conversations.resendUnreceived((group, text, id) => sending.say(group, text, id));
      });
    } catch (error) {
      view!.say(`Conversations unavailable on this connection: ${(error as Error).message}`);
    }
  };
  await opened(result.hello);
  return undefined;
}

showLogin();

import type { ClientFrame, ServerFrame } from '../conversations/frame-link.ts';
import { Requests } from '../conversations/requests.ts';
import { GRANT_PREFIX } from '../device-approval.ts';
import { deviceLoginFrame } from '../device-enrolment.ts';
import { receiveGrant, setUpDevice } from '../device-setup.ts';
import type { BrowserKeys } from './browser-keys.ts';
import { connect, logIn } from './log-in.ts';
import type { LoginResult } from './log-in.ts';

export interface DeviceLoginOptions {
  readonly url: string;
  readonly name: string;
  readonly password: string;
  readonly register: boolean;
  readonly keys: BrowserKeys;
  /** What the person should know meanwhile (the approval code, "logging in as it"). */
  readonly say: (text: string) => void;
  /** Frames after the device's welcome, until the caller takes over. */
  readonly onFrame: (frame: ServerFrame) => void;
}

/**
 * docs/client.md § Devices, as the terminal does it (device-sessions.ts): a device published by this
 * browser logs in by its key; otherwise a password login makes this browser a device (the
 * operator's first, certified by the identity it makes and publishes; or one waiting for
 * another device's approval, shown its code) and then logs in again as it.
 */
export async function logInAsDevice(options: DeviceLoginOptions): Promise<LoginResult> {
  const { keys, name } = options;
  if (keys.device?.published === true && keys.device.certificate !== undefined) {
    const result = await logInByDeviceKey(options);
    if (result.ok) return result;
    // Refused (revoked, or the server forgot it): the password proves who this is, as in the terminal.
    keys.setDevice({ ...keys.device, published: false });
    await keys.flush();
  }
  if (options.password === '') return { ok: false, reason: 'this browser is not a device of yours yet: the password is needed once' };
  const requests: { current?: Requests } = {};
  // A grant that comes before this browser waits for one (setUpDevice still running) is kept for it.
  const grants: Extract<ServerFrame, { op: 'msg' }>[] = [];
  let onGrant: (frame: Extract<ServerFrame, { op: 'msg' }>) => void = (frame) => void grants.push(frame);
  const first = await logIn(options.url, name, options.password, options.register, (frame) => {
    if (requests.current?.answer(frame) === true) return;
    if (frame.op === 'msg' && frame.body.startsWith(GRANT_PREFIX)) onGrant(frame);
  });
  if (!first.ok) return first;
  const { link } = first;
  if (first.hello?.features.includes('devices') !== true) {
    link.close();
    return { ok: false, reason: 'this server has no devices: encrypted conversations need a newer relay' };
  }
  const asking = new Requests(link, 'dev-');
  requests.current = asking;
  try {
    const state = await setUpDevice({
      store: keys, name: first.name, byKey: false, serverHasDevices: true, requests: asking, say: options.say,
      // After a password login the identity is published (the terminal's EndToEnd.welcomed).
      e2e: { welcomed: () => link.send({ op: 'publish_key', ...keys.identity.public, ref: 'publish' }) },
    });
    await keys.flush();
    if (state === 'pending') {
      await new Promise<void>((resolve, reject) => {
        // The relay forgets a pending device after 10 minutes (docs/protocol.md "Approval").
        const timer = setTimeout(() => reject(new Error('no approval came within 10 minutes: log in again for a new code')), APPROVAL_WAIT_MS);
        link.onClose(() => reject(new Error('the connection closed while waiting for approval: log in again')));
        onGrant = (frame) => void receiveGrant(keys, first.name, frame.body, asking).catch(() => false).then(async (accepted) => {
          link.send({ op: 'ack', ids: [frame.id] });
          if (!accepted) return options.say('An approval came that was not for this browser, or not from your identity: ignored.');
          await keys.flush();
          options.say(`Approved: this browser is now a device of ${first.name}; logging in as it…`);
          clearTimeout(timer);
          resolve();
        });
        for (const frame of grants.splice(0)) onGrant(frame);
      });
    }
  } catch (error) {
    link.close();
    return { ok: false, reason: `could not make this browser a device: ${(error as Error).message}` };
  }
  link.close();
  return logInByDeviceKey(options);
}

const APPROVAL_WAIT_MS = 10 * 60_000;

/** A login by this browser's device key alone: the first of a known device, and each one again after a lost connection. */
export function logInByDeviceKey(options: DeviceLoginOptions): Promise<LoginResult> {
  return connect(options.url, (hello) => deviceLoginFrame(options.keys, options.name, hello) as ClientFrame | undefined, options.onFrame);
}

import type { InboundFrame } from '../domain/frames.ts';
import { EndToEnd, type E2eLink } from './e2e/end-to-end.ts';
import type { KeyStore } from './e2e/key-store.ts';
import type { ServerFrame } from './client-frame-channel.ts';
import { deviceLoginFrame } from './device-enrolment.ts';

export interface ClientLoginOptions {
  readonly name: string;
  /**
   * Opens the key store of the server that said hello, given the `server_id` it sent (docs
   * "Keys": a store is bound to the server, not to the address typed); undefined when it
   * cannot be used, the reason already shown.
   */
  readonly openKeys: (serverId: unknown) => Promise<KeyStore | undefined>;
  /** Asked only when a password login is needed (a new key store, or a refused key): undefined when none is given. */
  readonly password: () => Promise<string | undefined>;
  /** A wrong password may be asked for again (it was typed on a terminal), up to three tries in all. */
  readonly askAgain?: boolean;
}

const MAX_TRIES = 3;

/**
 * How a session answers `hello`: by key once this identity is published, else by password.
 * The key store is opened at the first hello, once a server has said who it is (nothing is
 * created before), and kept across reconnections.
 */
export class ClientLogin {
  private opening: Promise<EndToEnd | undefined> | undefined;
  private password: Promise<string | undefined> | undefined;
  private tries = 0;
  /** The last answer was a key login. */
  byKey = false;
  /** The last answer was a login as this store's device (docs/protocol.md "Login as a device"). */
  byDevice = false;
  /** The key store, once open. */
  keys: KeyStore | undefined;
  /** The end-to-end layer, once the key store is open. */
  e2e: EndToEnd | undefined;

  constructor(private readonly options: ClientLoginOptions, private readonly link: E2eLink) {}

  /** The frame that answers `hello`; undefined when the session cannot go on. */
  async answer(hello: Extract<ServerFrame, { op: 'hello' }>): Promise<InboundFrame | undefined> {
    this.opening ??= this.options.openKeys((hello as { server_id?: unknown }).server_id)
      .then((keys) => {
        this.keys = keys;
        return keys && new EndToEnd(keys, this.options.name, this.link);
      });
    this.e2e = await this.opening;
    if (this.e2e === undefined) return undefined;
    const deviceLogin = deviceLoginFrame(this.keys!, this.options.name, hello);
    this.byDevice = deviceLogin !== undefined;
    const keyLogin = deviceLogin ?? this.e2e.loginFrame(hello);
    this.byKey = keyLogin !== undefined;
    return keyLogin ?? this.passwordLogin();
  }

  /** The key was refused (revoked, or the password changed): the password proves who this is, then the key is published again. */
  async keyRefused(): Promise<InboundFrame | undefined> {
    this.e2e?.keyLoginRefused();
    if (this.byDevice) this.keys?.setDevice({ ...this.keys.device!, published: false });
    this.byKey = false;
    this.byDevice = false;
    return this.passwordLogin();
  }

  /**
   * The password was refused: asked again on a terminal, three tries in all (PROTOCOL "Session" 4:
   * the third failure closes the connection), else the session ends.
   */
  wrongPassword(): Promise<InboundFrame | undefined> {
    if (this.options.askAgain !== true || this.tries >= MAX_TRIES) return Promise.resolve(undefined);
    this.password = undefined;
    return this.passwordLogin();
  }

  private async passwordLogin(): Promise<InboundFrame | undefined> {
    if (this.password === undefined) this.tries += 1;
    const password = await (this.password ??= this.options.password());
    if (password === undefined) {
      this.link.say(`no password given, and no key of ${this.options.name}'s published on this server yet: set LITSXG_PASSWORD`);
      return undefined;
    }
    return { op: 'auth', name: this.options.name, password };
  }
}

import type { OnionService } from '../../ports/onion-service.ts';
import { addOnionCommand, refusesPow, type AddOnionRequest, type OnionProtections } from './add-onion-command.ts';
import { authenticateTorControl } from './tor-control-authenticator.ts';
import { TorControlConnection, type TorReply } from './tor-control-connection.ts';
import { parseTorControlEndpoint } from './tor-control-endpoint.ts';
import { TorControlError } from './tor-control-error.ts';
import { OnionKeyFile } from './onion-key-file.ts';

export interface TorControlOnionServiceOptions {
  /** `HOST:PORT` or a unix socket path. */
  readonly control: string;
  readonly password?: string;
  /** Where the service's private key lives, e.g. `<data-dir>/onion-key`. */
  readonly keyFile: string;
  /** Told when the control connection drops while published: tor has then removed the onion. */
  readonly onLost?: (error: TorControlError) => void;
  readonly protections?: OnionProtections;
  /** Told once, when tor refuses the proof-of-work keywords: the onion goes up without them. */
  readonly onPowUnsupported?: (reply: string) => void;
  readonly timeoutMs?: number;
}

type Published = Omit<AddOnionRequest, 'protections'> & { readonly conn: TorControlConnection; readonly serviceId: string };

/**
 * ADD_ONION without `Detach`: the onion lives exactly as long as our control connection, so a
 * crashed server never leaves an onion pointing at nothing (nor blocks its own key on restart
 * with "onion address collision"); a clean shutdown still sends DEL_ONION before closing.
 */
export class TorControlOnionService implements OnionService {
  private readonly keyFile: OnionKeyFile;
  private published: Published | undefined;
  private powRefused = false;

  constructor(private readonly options: TorControlOnionServiceOptions) {
    this.keyFile = new OnionKeyFile(options.keyFile);
  }

  /** Whether the onion carries tor's proof-of-work defence (false once tor refused it). */
  get pow(): boolean {
    return this.options.protections?.pow !== undefined && !this.powRefused;
  }

  /** `web`: see OnionService. `clientAuthKeys` (base32 x25519 public keys), when given, admit only their holders. */
  async publish(target: { host: string; port: number }, virtualPort: number, web?: { host: string; port: number }, clientAuthKeys?: readonly string[]): Promise<string> {
    if (this.published) throw new Error('the onion service is already published');
    const endpoint = parseTorControlEndpoint(this.options.control);
    const existingKey = await this.keyFile.read();
    const conn = await TorControlConnection.open(endpoint, this.options.control, this.options.timeoutMs ?? 10_000);
    try {
      await authenticateTorControl(conn, this.options.password);
      const request = { key: existingKey ?? 'NEW:ED25519-V3', virtualPort, target, clientAuthKeys, web };
      const reply = await this.add(conn, request);
      const serviceId = field(reply.lines, 'ServiceID');
      if (serviceId === undefined) throw new TorControlError('protocol', 'tor answered ADD_ONION without a ServiceID');
      let key = existingKey;
      if (key === undefined) {
        key = field(reply.lines, 'PrivateKey');
        if (key === undefined) throw new TorControlError('protocol', 'tor answered ADD_ONION without a PrivateKey');
        await this.keyFile.write(key);
      }
      conn.onLost((error) => {
        this.published = undefined;
        this.options.onLost?.(error);
      });
      this.published = { ...request, key, conn, serviceId };
      return `${serviceId}.onion`;
    } catch (error) {
      // Nothing half-started: closing the connection also removes a non-detached onion.
      await conn.close();
      throw error;
    }
  }

  /**
   * The same onion (same key, same connection) with another list of client keys: tor changes
   * a service's keys only by removing and adding it again. A list tor refuses leaves the old
   * one in place, and rejects with `refused`.
   */
  async changeClientAuth(clientAuthKeys: readonly string[]): Promise<void> {
    const published = this.published;
    if (published === undefined) throw new Error('the onion service is not published');
    const { conn, serviceId, ...request } = published;
    addOnionCommand({ ...request, clientAuthKeys, protections: {} }); // a malformed key throws before anything is removed
    await conn.expectOk(`DEL_ONION ${serviceId}`, 'DEL_ONION');
    try {
      await this.add(conn, { ...request, clientAuthKeys });
      this.published = { ...published, clientAuthKeys };
    } catch (error) {
      await this.add(conn, request);
      throw error;
    }
  }

  async unpublish(): Promise<void> {
    const published = this.published;
    this.published = undefined;
    if (!published) return;
    try {
      await published.conn.expectOk(`DEL_ONION ${published.serviceId}`, 'DEL_ONION');
    } catch (error) {
      // A control connection that is already gone took the onion with it.
      if (!(error instanceof TorControlError && error.reason === 'closed')) throw error;
    } finally {
      await published.conn.close();
    }
  }

  private async add(conn: TorControlConnection, request: Omit<AddOnionRequest, 'protections'>): Promise<TorReply> {
    const protections = { ...this.options.protections, ...(this.powRefused ? { pow: undefined } : {}) };
    const reply = await conn.command(addOnionCommand({ ...request, protections }));
    if (protections.pow !== undefined && refusesPow(reply)) {
      this.powRefused = true;
      this.options.onPowUnsupported?.(reply.lines.join(' '));
      return this.add(conn, request);
    }
    if (reply.status !== 250) throw new TorControlError('refused', `tor refused ADD_ONION: ${reply.status} ${reply.lines.join(' ')}`);
    return reply;
  }
}

function field(lines: readonly string[], name: string): string | undefined {
  const prefix = `${name}=`;
  return lines.find((line) => line.startsWith(prefix))?.slice(prefix.length);
}

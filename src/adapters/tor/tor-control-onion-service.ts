import { isIPv6 } from 'node:net';
import type { OnionService } from '../../ports/onion-service.ts';
import { authenticateTorControl } from './tor-control-authenticator.ts';
import { TorControlConnection } from './tor-control-connection.ts';
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
  readonly timeoutMs?: number;
}

/**
 * ADD_ONION without `Detach`: the onion lives exactly as long as our control connection, so a
 * crashed server never leaves an onion pointing at nothing (nor blocks its own key on restart
 * with "onion address collision"); a clean shutdown still sends DEL_ONION before closing.
 */
export class TorControlOnionService implements OnionService {
  private readonly keyFile: OnionKeyFile;
  private connection: TorControlConnection | undefined;
  private serviceId: string | undefined;

  constructor(private readonly options: TorControlOnionServiceOptions) {
    this.keyFile = new OnionKeyFile(options.keyFile);
  }

  async publish(target: { host: string; port: number }, virtualPort: number): Promise<string> {
    if (this.connection) throw new Error('the onion service is already published');
    const endpoint = parseTorControlEndpoint(this.options.control);
    const existingKey = await this.keyFile.read();
    const conn = await TorControlConnection.open(endpoint, this.options.control, this.options.timeoutMs ?? 10_000);
    try {
      await authenticateTorControl(conn, this.options.password);
      const keySpec = existingKey ?? 'NEW:ED25519-V3';
      const reply = await conn.expectOk(`ADD_ONION ${keySpec} Port=${virtualPort},${targetSpec(target)}`, 'ADD_ONION');
      const serviceId = field(reply.lines, 'ServiceID');
      if (serviceId === undefined) throw new TorControlError('protocol', 'tor answered ADD_ONION without a ServiceID');
      if (existingKey === undefined) {
        const privateKey = field(reply.lines, 'PrivateKey');
        if (privateKey === undefined) throw new TorControlError('protocol', 'tor answered ADD_ONION without a PrivateKey');
        await this.keyFile.write(privateKey);
      }
      conn.onLost((error) => {
        this.connection = undefined;
        this.serviceId = undefined;
        this.options.onLost?.(error);
      });
      this.connection = conn;
      this.serviceId = serviceId;
      return `${serviceId}.onion`;
    } catch (error) {
      // Nothing half-started: closing the connection also removes a non-detached onion.
      await conn.close();
      throw error;
    }
  }

  async unpublish(): Promise<void> {
    const conn = this.connection;
    const serviceId = this.serviceId;
    this.connection = undefined;
    this.serviceId = undefined;
    if (!conn) return;
    try {
      if (serviceId !== undefined) await conn.expectOk(`DEL_ONION ${serviceId}`, 'DEL_ONION');
    } catch (error) {
      // A control connection that is already gone took the onion with it.
      if (!(error instanceof TorControlError && error.reason === 'closed')) throw error;
    } finally {
      await conn.close();
    }
  }
}

function targetSpec(target: { host: string; port: number }): string {
  const host = target.host === '0.0.0.0' ? '127.0.0.1' : target.host === '::' ? '::1' : target.host;
  return isIPv6(host) ? `[${host}]:${target.port}` : `${host}:${target.port}`;
}

function field(lines: readonly string[], name: string): string | undefined {
  const prefix = `${name}=`;
  return lines.find((line) => line.startsWith(prefix))?.slice(prefix.length);
}

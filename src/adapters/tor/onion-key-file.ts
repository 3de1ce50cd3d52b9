import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TorControlError } from './tor-control-error.ts';

const KEY = /^ED25519-V3:[A-Za-z0-9+/]+={0,2}$/;

/** The onion service's private key, `ED25519-V3:<base64>`, kept 0600 so the address survives restarts. */
export class OnionKeyFile {
  constructor(private readonly path: string) {}

  async read(): Promise<string | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.failure('cannot read', error);
    }
    const key = text.trim();
    if (!KEY.test(key)) {
      throw new TorControlError('key_file', `onion key file ${this.path} does not hold an ED25519-V3 key`);
    }
    await chmod(this.path, 0o600).catch(() => undefined);
    return key;
  }

  /** Writes atomically (temporary file, then rename) so a crash never leaves half a key. */
  async write(key: string): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(`${key}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw this.failure('cannot write', error);
    }
  }

  private failure(what: string, error: unknown): TorControlError {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return new TorControlError('key_file', `${what} onion key file ${this.path} (${code})`);
  }
}

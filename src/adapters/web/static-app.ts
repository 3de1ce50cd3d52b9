import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  readonly type: string;
  readonly body: Buffer;
  /** gzip at level 9, made once: a slow Tor circuit pays for every byte (issue 20, "Budget"). */
  readonly gzipped: Buffer;
}

/**
 * The built app, read into memory once at start: a handful of small files, so no request touches
 * the disk and no request path ever becomes a file path (nothing to traverse). Source maps stay out.
 */
export class StaticApp {
  private readonly files = new Map<string, StaticFile>();

  constructor(directory: string) {
    for (const name of readdirSync(directory)) {
      const type = CONTENT_TYPES[extname(name)];
      if (type === undefined) continue;
      const body = readFileSync(join(directory, name));
      this.files.set(`/${name}`, { type, body, gzipped: gzipSync(body, { level: 9 }) });
    }
    if (!this.files.has('/index.html')) throw new Error(`no web app in ${directory}: run npm run build`);
  }

  /** `/` is the app's page; anything not built is undefined. */
  find(path: string): StaticFile | undefined {
    return this.files.get(path === '/' ? '/index.html' : path);
  }
}

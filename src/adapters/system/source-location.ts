import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A stack frame's place: `(file:line:column)` or a bare `file:line:column` after `at `. */
const FRAME_PLACE = /(\(|at )((?:file:\/\/)?\/[^():]+\.js):(\d+):(\d+)(\)?)$/;

const maps = new Map<string, SourceMap | undefined>();

/**
 * A stack frame of the bundle (dist/, minified to a few lines), as the TypeScript file and line
 * it came from, read from the bundle's source map only when a frame is logged. Node's
 * `--enable-source-maps` would do it for every frame, but parses every loaded chunk's map at
 * start: 10–15 ms and 2 MiB resident on each start (docs/performance.md § Startup and memory).
 * A frame without a map beside its file (tsx, Node's own) is returned as it came.
 */
export function sourceLocation(frame: string): string {
  const place = FRAME_PLACE.exec(frame);
  if (place === null) return frame;
  const [whole, opening, file, line, column, closing] = place;
  const path = file!.startsWith('file://') ? fileURLToPath(file!) : file!;
  const entry = mapOf(path)?.findEntry(Number(line) - 1, Number(column) - 1);
  if (entry === undefined || !('originalSource' in entry)) return frame;
  const source = resolve(dirname(path), entry.originalSource);
  return `${frame.slice(0, frame.length - whole.length)}${opening}${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}${closing}`;
}

/** Every frame of a stack as sourceLocation gives it. */
export function sourceMappedStack(stack: string): string {
  return stack.split('\n').map(sourceLocation).join('\n');
}

/** A map that cannot be read leaves the frame as it is: logging a failure must not fail. */
function mapOf(path: string): SourceMap | undefined {
  if (!maps.has(path)) maps.set(path, readMap(`${path}.map`));
  return maps.get(path);
}

function readMap(mapFile: string): SourceMap | undefined {
  try {
    return existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined;
  } catch {
    return undefined;
  }
}

// `npm run build` (and `prepare`, so `npm ci` and `npm pack` build too): the server and CLI as
// JavaScript in dist/, bundled by esbuild with source maps, so starting needs no TypeScript
// loader. Each command's dynamic import becomes a chunk of its own: a command loads only what
// it uses. Packages stay in node_modules (better-sqlite3 is native); see README "Performance".
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Bundled but for the native module (and pg's optional native binding): one file read per
  // chunk instead of hundreds of module resolutions at every start.
  external: ['better-sqlite3', 'pg-native'],
  // The bundled CommonJS packages call require().
  banner: { js: "import { createRequire as __litsxgRequire } from 'node:module'; const require = __litsxgRequire(import.meta.url);" },
  // A fatal error names the TypeScript file and line (bin/node-options has --enable-source-maps).
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});

// `npm run build` (also before `npm start`, `npm run bench` and `npm pack`, never at install:
// an installed package runs no script of ours, issue 22): the server and CLI as
// JavaScript in dist/, bundled by esbuild with source maps, so that starting needs neither a
// TypeScript loader nor hundreds of module resolutions (docs/performance.md § Startup and memory). Each command's
// dynamic import becomes a chunk of its own: a command loads only what it uses. Packages are
// bundled, but for package.json's `dependencies` (native code, installed with the package).
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { dependencies } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
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
  // pg's native binding is optional and never installed: pg loads it only when asked to.
  external: [...Object.keys(dependencies), 'pg-native'],
  // The bundled CommonJS packages use require and __dirname, which ES modules lack.
  banner: {
    js: [
      "import { createRequire as __litsxgRequire } from 'node:module';",
      "import { dirname as __litsxgDirname } from 'node:path';",
      'const require = __litsxgRequire(import.meta.url);',
      'const __filename = require("node:url").fileURLToPath(import.meta.url);',
      'const __dirname = __litsxgDirname(__filename);',
    ].join(' '),
  },
  // A logged failure names the TypeScript file and line (adapters/system/source-location.ts).
  sourcemap: true,
  sourcesContent: false,
  // Smaller code to hold in memory (2 MiB less resident); names are kept, for error classes.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

// The web client (`serve --web`, docs/protocol.md "Web client"): plain files for Tor Browser at
// its Safer level, so no WebAssembly, no eval, no inline script or style, nothing remote. The
// passphrase's scrypt runs in a worker of its own, so the page never freezes meanwhile.
await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/client/web/main.ts', 'seal-worker': 'src/client/web/seal-worker.ts', style: 'src/client/web/style.css' },
  entryNames: '[name]',
  outdir: 'dist/web',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'firefox115',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(`${root}/src/client/web/index.html`, `${root}/dist/web/index.html`);

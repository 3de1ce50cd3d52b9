import { fileURLToPath } from 'node:url';

/**
 * The built app (scripts/build.mjs writes it to dist/web). The server runs from dist/ (a chunk
 * beside web/) or, in tests, from src/adapters/web/, three folders below the root.
 */
export const WEB_APP_DIRECTORY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../../dist/web/' : './web/', import.meta.url));

/**
 * Issue 20: every HTTP answer carries these. The policy allows the app's own files and its own
 * origin only: no inline script or style, no eval, no plugin, no frame around it, no form that
 * could send a typed password into a URL if the script failed. CSP 3's `'self'` also matches
 * `ws:` to the same host and port (the browser test checks it in firefox-esr), so `connect-src 'self'` covers the
 * WebSocket without naming the onion.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The app is small and changes with the server: always asked again, never kept by a shared profile's cache.
  'Cache-Control': 'no-store',
};

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveWarnings } from '../../src/adapters/cli/serve-warnings.ts';

const events = (host: string, onion: boolean, registration: 'open' | 'closed') => serveWarnings({ host, onion, registration }).map((w) => w.event);

test('a non-loopback address without --onion is warned about; loopback, or an onion in front, is not', () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.5', 'relay.example.org', '[::ffff:10.0.0.1]']) assert.equal(events(host, false, 'closed'), ['exposed_listener'], host);
  for (const host of ['127.0.0.1', '127.8.9.1', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.equal(events(host, false, 'closed'), [], host);
  assert.equal(events('0.0.0.0', true, 'closed'), []);
});

test('open registration is warned about, once, beside an exposed address', () => {
  assert.equal(events('127.0.0.1', true, 'open'), ['open_registration']);
  assert.equal(events('0.0.0.0', false, 'open'), ['exposed_listener', 'open_registration']);
  const [exposed] = serveWarnings({ host: '0.0.0.0', onion: false, registration: 'closed' });
  assert.match(exposed!.detail, /^listening on 0\.0\.0\.0, not loopback, without --onion/);
});

test('a LITSXG_ variable nothing reads is one warning each, naming the nearest (issue 22)', () => {
  const warnings = serveWarnings({ host: '127.0.0.1', onion: false, registration: 'closed', strayVariables: [{ variable: 'LITSXG_PORTT', nearest: 'LITSXG_PORT' }] });
  assert.equal(warnings, [{ event: 'unknown_variable', detail: 'LITSXG_PORTT is read by no litsxg command: did you mean LITSXG_PORT?' }]);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { originAllowed } from '../../src/adapters/web/allowed-origins.ts';

const ONION = `${'a'.repeat(56)}.onion`;
const OTHER = `${'b'.repeat(56)}.onion`;
const LOCAL = { host: '127.0.0.1', port: 7780 };

test('the listener\'s own origin, exactly', () => {
  const rules = { listening: LOCAL, onion: undefined, extra: [] };
  assert.ok(originAllowed('http://127.0.0.1:7780', '127.0.0.1:7780', rules));
  for (const origin of [undefined, 'null', 'http://127.0.0.1:7781', 'https://127.0.0.1:7780', 'http://localhost:7780', 'http://127.0.0.1:7780.evil.example']) {
    assert.not.ok(originAllowed(origin, '127.0.0.1:7780', rules), String(origin));
  }
  assert.ok(originAllowed('http://[::1]:7780', undefined, { listening: { host: '::1', port: 7780 }, onion: undefined, extra: [] }));
});

test('a published onion admits its own origin only, whatever Host says', () => {
  const rules = { listening: LOCAL, onion: ONION, extra: [] };
  assert.ok(originAllowed(`http://${ONION}`, ONION, rules));
  assert.not.ok(originAllowed(`http://${OTHER}`, OTHER, rules));
  assert.not.ok(originAllowed(`https://${ONION}`, ONION, rules));
});

test('--web-origin admits that origin; then an unknown onion is refused', () => {
  const rules = { listening: LOCAL, onion: undefined, extra: [`http://${ONION}`] };
  assert.ok(originAllowed(`http://${ONION}`, ONION, rules));
  assert.not.ok(originAllowed(`http://${OTHER}`, OTHER, rules));
});

test('a static torrc (no onion known, no origin given): a page of the v3 onion the browser asked for, and nothing else', () => {
  const rules = { listening: { host: '0.0.0.0', port: 7780 }, onion: undefined, extra: [] };
  assert.ok(originAllowed(`http://${ONION}`, ONION, rules));
  assert.not.ok(originAllowed(`http://${OTHER}`, ONION, rules), 'another onion\'s page');
  assert.not.ok(originAllowed('http://evil.example', 'evil.example', rules), 'a DNS name (rebinding)');
  assert.not.ok(originAllowed('http://short.onion', 'short.onion', rules), 'not a v3 onion name');
  assert.not.ok(originAllowed(`http://${ONION}`, undefined, rules));
});

test.run();

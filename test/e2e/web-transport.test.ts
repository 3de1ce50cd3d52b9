import { request } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServer } from '../support/server-process.ts';
import type { WebServer } from '../support/web-server.ts';
import { startWebServer } from '../support/web-server.ts';
import { WebSocketClient } from '../support/websocket-client.ts';

// docs/protocol.md "Web client": `serve --web` against the real server, from Node (the browser tests are web-*.browser.ts).
let web: WebServer;
let plain: RunningServer;
const CANARY = 'canary-7f3a9e do not log';

test.before(async () => {
  [web, plain] = await Promise.all([
    startWebServer({ operators: ['alice', 'bob', 'carol', 'dave'], args: ['--max-frame-bytes', '4096', '--max-body-bytes', '1024', '--auth-timeout', '2',
      '--send-rate', '0', '--queue-max-messages', '100000', '--queue-max-bytes', '100000000', '--buffer-max-bytes', '100000000'] }),
    startServer(),
  ]);
});

test.after(async () => {
  assert.is(await web.server.stop(), 0);
  assert.is(await plain.stop(), 0);
});

const wsUrl = () => `ws://127.0.0.1:${web.webPort}/ws`;

function get(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.webPort, path, method, headers }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The policy as directive → sources, so a loosened source fails the comparison. */
function policy(header: unknown): Record<string, string> {
  return Object.fromEntries(String(header).split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources.join(' ')]));
}

const EXPECTED_POLICY = {
  'default-src': "'self'", 'script-src': "'self'", 'style-src': "'self'", 'img-src': "'self'", 'connect-src': "'self'",
  'font-src': "'none'", 'object-src': "'none'", 'base-uri': "'none'", 'form-action': "'none'", 'frame-ancestors': "'none'",
};

test('every HTTP answer, found or not, carries the strict policy and the other headers, and no cookie', async () => {
  for (const [path, method, status] of [['/', 'GET', 200], ['/app.js', 'GET', 200], ['/style.css', 'HEAD', 200], ['/nothing', 'GET', 404], ['/', 'POST', 405], ['/../package.json', 'GET', 404]] as const) {
    const answer = await get(path, method);
    assert.is(answer.status, status, `${method} ${path}`);
    assert.equal(policy(answer.headers['content-security-policy']), EXPECTED_POLICY, `${method} ${path}`);
    assert.not.match(String(answer.headers['content-security-policy']), /unsafe|\*|data:|blob:/);
    assert.is(answer.headers['referrer-policy'], 'no-referrer');
    assert.is(answer.headers['x-content-type-options'], 'nosniff');
    assert.is(answer.headers['cross-origin-opener-policy'], 'same-origin');
    assert.is(answer.headers['set-cookie'], undefined);
  }
});

test('the page names only files of the app: no inline script or style, nothing remote, a noscript text', async () => {
  const page = (await get('/')).body;
  assert.match(page, /<script type="module" src="app\.js"><\/script>/);
  assert.not.match(page, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.not.match(page, /<style|\sstyle=|\son[a-z]+=|https?:\/\//);
  assert.match(page, /<noscript>[\s\S]*Safest[\s\S]*Safer[\s\S]*<\/noscript>/);
  const script = (await get('/app.js')).body;
  assert.not.match(script, /\beval\(|new Function\(|WebAssembly/);
});

test('gzip is served to whoever accepts it', async () => {
  const answer = await get('/app.js', 'GET', { 'Accept-Encoding': 'gzip, deflate' });
  assert.is(answer.headers['content-encoding'], 'gzip');
});

function refusal(url: string, origin: string | undefined): Promise<string> {
  return WebSocketClient.connect(url, origin).then((client) => {
    client.close();
    return 'admitted';
  }, (error: Error) => error.message);
}

test('the WebSocket admits only the app\'s own origin, on /ws', async () => {
  const own = await WebSocketClient.connect(wsUrl(), web.origin);
  assert.is((await own.next()).op, 'hello');
  own.close();
  for (const origin of [undefined, 'http://evil.example', `http://localhost:${web.webPort}`, 'http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion', 'null']) {
    assert.is(await refusal(wsUrl(), origin), 'refused: 403', String(origin));
  }
  assert.is(await refusal(`ws://127.0.0.1:${web.webPort}/other`, web.origin), 'refused: 403');
  assert.ok(web.server.logs.some((entry) => entry.event === 'web_upgrade_refused' && entry.reason === 'origin'));
});

test('a browser user and a terminal user exchange messages, with receipts, in the same frames', async () => {
  const alice = await WebSocketClient.login(wsUrl(), web.origin, 'alice');
  const bob = await ProtocolClient.login(web.server.port, 'bob');
  alice.send({ op: 'send', to: 'bob', body: CANARY, ref: 'w-1' });
  const sent = await alice.next('sent');
  assert.equal([sent.status, sent.ref], ['delivered', 'w-1']);
  const delivered = await bob.next('msg');
  assert.equal([delivered.from, delivered.body, delivered.id], ['alice', CANARY, sent.id]);
  bob.send({ op: 'ack', id: delivered.id });
  assert.equal(await alice.next('receipt'), { op: 'receipt', id: sent.id, to: 'bob' });
  bob.send({ op: 'send', to: 'alice', body: 'and back' });
  const back = await alice.next('msg');
  assert.is(back.body, 'and back');
  alice.send({ op: 'who' });
  assert.equal((await alice.next('online')).names, ['alice', 'bob']);
  alice.close();
  bob.close();
});

test('the same limits: a binary message is bad_frame, an oversized one closes (1009), silence past the auth timeout closes', async () => {
  const carol = await WebSocketClient.login(wsUrl(), web.origin, 'carol');
  carol.send(Buffer.from('{"op":"ping"}'));
  assert.is((await carol.next('error')).code, 'bad_frame');
  carol.send('not json');
  assert.is((await carol.next('error')).code, 'bad_frame');
  carol.send({ op: 'send', to: 'bob', body: 'x'.repeat(2000) });
  assert.is((await carol.next('error')).code, 'body_too_large');
  carol.send('{"op":\n"ping"}');
  assert.is((await carol.next('error')).code, 'bad_frame', 'a raw line break, which no encoder writes');
  carol.send({ op: 'ping', ref: 'still here' });
  assert.is((await carol.next('pong')).ref, 'still here');
  carol.send(`{"op":"ping","pad":"${'x'.repeat(4096)}"}`);
  assert.is(await carol.closed(), 1009);
  // One byte under ws's bound but past the limit with the newline a line would have: the relay's own refusal.
  const erin = await WebSocketClient.login(wsUrl(), web.origin, 'alice');
  erin.send(`{"op":"ping","pad":"${'x'.repeat(4096 - 22)}"}`);
  assert.is((await erin.next('error')).code, 'frame_too_large');
  assert.is(await erin.closed(), 1000);
  const silent = await WebSocketClient.connect(wsUrl(), web.origin);
  await silent.next('hello');
  assert.is((await silent.next('error', 5_000)).code, 'auth_timeout');
  assert.is(await silent.closed(), 1000);
});

test('a browser that stops reading is not pushed to past the high-water mark: its messages wait queued, then all arrive in order', async () => {
  const alice = await WebSocketClient.login(wsUrl(), web.origin, 'alice');
  const bob = await ProtocolClient.login(web.server.port, 'bob');
  alice.socket.pause();
  const count = 12_000;
  const body = 'y'.repeat(1000);
  for (let i = 0; i < count; i++) bob.send({ op: 'send', to: 'alice', body: `bp-${i} ${body}` });
  const statuses = new Set<unknown>();
  for (let i = 0; i < count; i++) statuses.add((await bob.next('sent', 20_000)).status);
  assert.ok(statuses.has('queued'), 'pushing stopped while the browser did not read');
  alice.socket.resume();
  // Unacknowledged messages of earlier tests come first, redelivered.
  const received: string[] = [];
  while (received.length < count) {
    const first = String((await alice.next('msg', 20_000)).body).split(' ', 1)[0]!;
    if (first.startsWith('bp-')) received.push(first);
  }
  assert.equal(received, Array.from({ length: count }, (_, i) => `bp-${i}`));
  alice.close();
  bob.close();
});

test('a second login takes over across transports', async () => {
  const first = await ProtocolClient.login(web.server.port, 'dave');
  const second = await WebSocketClient.login(wsUrl(), web.origin, 'dave');
  assert.equal(await first.next('bye'), { op: 'bye', reason: 'replaced' });
  second.close();
});

test('on shutdown a browser gets its bye like a TCP client, and the process exits 0', async () => {
  const own = await startWebServer({ operators: ['alice', 'bob'] });
  const alice = await WebSocketClient.login(`ws://127.0.0.1:${own.webPort}/ws`, own.origin, 'alice');
  const bob = await ProtocolClient.login(own.server.port, 'bob');
  assert.is(await own.server.stop(), 0);
  assert.equal(await alice.next('bye'), { op: 'bye', reason: 'shutdown' });
  assert.equal(await bob.next('bye'), { op: 'bye', reason: 'shutdown' });
});

test('the log holds no message content and no address', () => {
  const log = JSON.stringify(web.server.logs);
  assert.not.ok(log.includes(CANARY));
  assert.not.match(log, /evil\.example|origin":/);
});

test('without --web nothing HTTP is exposed', () => {
  assert.not.ok(plain.logs.some((entry) => entry.event === 'web_listening'));
});

test.run();

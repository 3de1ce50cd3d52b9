import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectThrough } from '../../src/adapters/tor/connect-through.ts';
import { Socks5Proxy } from '../support/socks5-proxy.ts';

const ONION = 'litsxgtestlitsxgtestlitsxgtestlitsxgtestlitsxgtestlitsx.onion';

// Issue 24 "Reconnecting through a restarted onion": each attempt on a circuit of its own.
test('every attempt through the proxy gives fresh SOCKS credentials, keeping the user\'s own as their prefix', async () => {
  const target = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const proxy = new Socks5Proxy(new Map([[`${ONION}:7770`, (target.address() as { port: number }).port]]));
  const proxyUrl = new URL(await proxy.listen());
  try {
    const attempt = async (url: URL) => (await connectThrough({ host: ONION, port: 7770 }, url, 5_000)).destroy();
    await attempt(proxyUrl);
    await attempt(proxyUrl);
    const withUser = new URL(proxyUrl);
    withUser.username = 'ops%20team';
    withUser.password = 'hunter2';
    await attempt(withUser);
    const [first, second, third] = proxy.credentials;
    assert.is(proxy.credentials.length, 3);
    assert.is.not(first!.username, second!.username);
    assert.is.not(first!.password, second!.password);
    assert.match(third!.username, /^ops team-./);
    assert.match(third!.password, /^hunter2./);
  } finally {
    await proxy.close();
    target.close();
  }
});

test.run();

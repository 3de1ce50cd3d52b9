import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addOnionCommand } from '../../src/adapters/tor/add-onion-command.ts';

const REQUEST = { key: 'NEW:ED25519-V3', virtualPort: 7770, target: { host: '127.0.0.1', port: 40001 }, protections: {} };

test('one onion, one port: the relay\'s', () => {
  assert.is(addOnionCommand(REQUEST), 'ADD_ONION NEW:ED25519-V3 Port=7770,127.0.0.1:40001');
});

test('serve --web: the same onion also offers port 80, mapped to the web listener', () => {
  assert.is(addOnionCommand({ ...REQUEST, web: { host: '::', port: 40002 } }), 'ADD_ONION NEW:ED25519-V3 Port=7770,127.0.0.1:40001 Port=80,[::1]:40002');
});

test.run();

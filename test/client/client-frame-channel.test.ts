import { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientFrameChannel, type ServerFrame } from '../../src/client/client-frame-channel.ts';

test('frames arriving as bytes, a character split between chunks, are decoded whole', () => {
  const socket = new Socket();
  const frames: ServerFrame[] = [];
  new ClientFrameChannel(socket, (frame) => frames.push(frame), () => undefined);
  // As the SOCKS client hands over what came with its reply: a Buffer, emitted on the socket.
  const line = Buffer.from('{"op":"hello","server":"litsxg","protocol":1,"registration":"closed"}\n{"op":"msg","from":"bob","body":"é"}\n');
  const split = line.indexOf(Buffer.from('é')) + 1;
  socket.emit('data', line.subarray(0, split));
  socket.emit('data', line.subarray(split));
  socket.destroy();
  assert.equal(frames, [
    { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' },
    { op: 'msg', from: 'bob', body: 'é' },
  ]);
});

test.run();

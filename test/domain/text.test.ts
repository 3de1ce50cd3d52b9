import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codePointLength, utf8ByteLength } from '../../src/domain/text.ts';

test('utf8ByteLength agrees with Buffer.byteLength, lone surrogates included', () => {
  for (const text of ['', 'abc', '\u007f', '\u0080', 'é', '€uro', '😀', 'a😀b', '\ud800', 'x\udc00y', '\ud83d', 'mixed é € 😀 \u0000']) {
    assert.is(utf8ByteLength(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
  }
});

test('codePointLength counts a surrogate pair once', () => {
  assert.is(codePointLength('😀😀'), 2);
  assert.is(codePointLength('correct horse'), 13);
});

test.run();

import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { approvalCode, readApprovalCode } from '../../src/client/device-approval.ts';

const listing = () => ({ device: randomBytes(4).toString('hex'), signing: randomBytes(32).toString('base64'), agreement: randomBytes(32).toString('base64') });

test('a code is 10 characters of a-z2-7 in two groups of 5, each position carrying its 5 bits', () => {
  const codes = Array.from({ length: 400 }, () => approvalCode('alice', listing()));
  for (const code of codes) assert.match(code, /^[a-z2-7]{5}-[a-z2-7]{5}$/);
  const bare = codes.map((code) => code.replace('-', ''));
  for (let position = 0; position < 10; position += 1) {
    const seen = new Set(bare.map((code) => code[position]));
    assert.is(seen.size, 32, `position ${position} takes every character of the alphabet`);
  }
});

test('a code changes with the pending device\'s agreement key, its signing key and the name', () => {
  const pending = listing();
  const code = approvalCode('alice', pending);
  assert.is.not(approvalCode('alice', { ...pending, agreement: randomBytes(32).toString('base64') }), code);
  assert.is.not(approvalCode('alice', { ...pending, signing: randomBytes(32).toString('base64') }), code);
  assert.is.not(approvalCode('bob', pending), code);
  assert.is(approvalCode('alice', pending), code);
});

test('a typed code is read with or without the separator, in any case, spaces allowed', () => {
  assert.is(readApprovalCode('abcde-fgh23'), 'abcde-fgh23');
  assert.is(readApprovalCode('abcdefgh23'), 'abcde-fgh23');
  assert.is(readApprovalCode('ABCDE-FGH23'), 'abcde-fgh23');
  assert.is(readApprovalCode(' abcde fgh23 '), 'abcde-fgh23');
  const shown = approvalCode('alice', listing());
  assert.is(readApprovalCode(shown.replace('-', '').toUpperCase()), shown);
});

test('what cannot be a code is refused: the old 8 characters, a character outside the alphabet, one too many', () => {
  assert.is(readApprovalCode('abcd-efgh'), undefined);
  assert.is(readApprovalCode('abcde-fgh21'), undefined);
  assert.is(readApprovalCode('abcde-fgh234'), undefined);
  assert.is(readApprovalCode(''), undefined);
});

test.run();

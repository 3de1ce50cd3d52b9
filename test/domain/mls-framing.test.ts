import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeBase64 } from '../../src/domain/base64-reader.ts';
import { parseMlsFraming } from '../../src/domain/mls-framing.ts';
import { encodeMlsHeader as encodeHeader, mlsText, u64 } from '../support/mls-headers.ts';
import { SUITES, mlsGroupRun } from '../support/mls-messages.ts';

const body = mlsText;

const header = fc.record({
  wire: fc.constantFrom(1, 2),
  group: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  epoch: fc.maxSafeNat(),
  sender: fc.oneof(fc.record({ type: fc.constantFrom(1, 2), index: fc.nat() }), fc.record({ type: fc.constantFrom(3, 4) })),
  aad: fc.uint8Array({ maxLength: 20_000 }),
  content: fc.constantFrom(1, 2, 3),
  tail: fc.uint8Array({ maxLength: 64 }),
});

test('reads group, epoch and content type from any Public or PrivateMessage header, whatever follows', () => {
  fc.assert(fc.property(header, (h) => {
    const parsed = parseMlsFraming(body(encodeHeader(h)));
    assert.equal(parsed, {
      ok: true,
      framing: {
        wireFormat: h.wire === 1 ? 'public_message' : 'private_message', group: Buffer.from(h.group).toString('base64'),
        epoch: h.epoch, contentType: (['application', 'proposal', 'commit'] as const)[h.content - 1],
      },
    });
  }));
});

test('every truncation of a header is refused, never misread', () => {
  fc.assert(fc.property(header, fc.nat(), (h, cut) => {
    const bytes = encodeHeader({ ...h, tail: new Uint8Array() });
    const short = bytes.slice(0, cut % bytes.length);
    assert.is(parseMlsFraming(body(short)).ok, false);
  }));
});

test('welcome, group info and key package carry no group: only their wire format is read', () => {
  for (const [wire, wireFormat] of [[3, 'welcome'], [4, 'group_info'], [5, 'key_package']] as const) {
    assert.equal(parseMlsFraming(body([0, 1, 0, wire, 9, 9])), { ok: true, framing: { wireFormat } });
  }
});

test('refuses other versions, wire formats, content and sender types, 0b11 and non-minimal lengths, epochs past 2^53', () => {
  const valid = encodeHeader({ wire: 2, group: new Uint8Array(32), epoch: 5, sender: { type: 1 }, aad: new Uint8Array(), content: 1, tail: new Uint8Array() });
  assert.ok(parseMlsFraming(body(valid)).ok);
  const broken = [
    [0, 2, ...valid.slice(2)], [0, 1, 0, 0, ...valid.slice(4)], [0, 1, 0, 6, ...valid.slice(4)],
    [...valid.slice(0, -1), 0], [...valid.slice(0, -1), 4],
    [0, 1, 0, 2, 0xc0, 0, 0, 0, 0, 0, 0, 1, 7, ...u64(1), 1], [0, 1, 0, 2, 0x40, 1, 7, ...u64(1), 1],
    [0, 1, 0, 2, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 1],
    [0, 1, 0, 1, 0, ...u64(1), 5, 0, 1], [0, 1, 0, 1, 0, ...u64(1), 0, 0, 1],
  ];
  for (const bytes of broken) assert.is(parseMlsFraming(body(bytes)).ok, false, JSON.stringify(bytes));
});

test('refuses what is not mls1. and canonical padded base64', () => {
  const good = body([0, 1, 0, 3]);
  for (const text of ['', 'mls1.', 'mls2.AAEAAw==', good.slice(0, -1), `${good.slice(0, -2)}x=`, 'mls1.AAEAAw=A', 'mls1.AA=AAw==', 'mls1.AAEAA*==']) {
    assert.is(parseMlsFraming(text).ok, false, text);
  }
  assert.ok(parseMlsFraming(good).ok);
});

test('the base64 encoder is the standard one', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
    assert.is(encodeBase64([...bytes]), Buffer.from(bytes).toString('base64'));
  }));
});

for (const suite of SUITES) {
  test(`reads real ts-mls messages, ${suite}`, async () => {
    const run = await mlsGroupRun(suite);
    const framing = (text: string) => {
      const parsed = parseMlsFraming(text);
      assert.ok(parsed.ok, text.slice(0, 40));
      return parsed.framing;
    };
    assert.equal(framing(run.addCommit), { wireFormat: 'private_message', group: run.group, epoch: 0, contentType: 'commit' });
    assert.equal(framing(run.publicCommit), { wireFormat: 'public_message', group: run.group, epoch: 1, contentType: 'commit' });
    assert.equal(framing(run.application), { wireFormat: 'private_message', group: run.group, epoch: 2, contentType: 'application' });
    assert.equal(framing(run.proposal), { wireFormat: 'public_message', group: run.group, epoch: 2, contentType: 'proposal' });
    assert.equal(framing(run.welcome), { wireFormat: 'welcome' });
    assert.equal(framing(run.keyPackage), { wireFormat: 'key_package' });
  });
}

test.run();

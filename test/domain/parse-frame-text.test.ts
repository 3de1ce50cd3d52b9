import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFrameText } from '../../src/domain/parse-frame-text.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

test('a body kept from a send does not keep the text its line was cut from', () => {
  const CHUNKS = 200;
  const CHUNK_CHARS = 256 * 1024;
  const kept: unknown[] = [];
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < CHUNKS; i++) {
    // As the transport reads them: lines cut from the text of a whole received chunk.
    const line = `{"op":"send","to":"bob-the-recipient","body":"message number ${i} of this test","ref":"r-${i}"}`;
    const chunk = `${line}\n${'{"op":"ping"}\n'.repeat(CHUNK_CHARS / 14)}`;
    kept.push(parseFrameText(chunk.slice(0, line.length)));
  }
  collectGarbage();
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(kept[7], { op: 'send', to: 'bob-the-recipient', body: 'message number 7 of this test', ref: 'r-7' });
  // Kept alive by the bodies or the names, the chunks would come to 50 MiB.
  assert.ok(grown < 8 * 2 ** 20, `heap grew by ${(grown / 2 ** 20).toFixed(1)} MiB for ${CHUNKS} frames`);
});

test.run();

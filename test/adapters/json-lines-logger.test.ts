import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JsonLinesLogger } from '../../src/adapters/system/json-lines-logger.ts';

test('a log line never carries a bidirectional override or a C1 control raw, and parses back to the same value', () => {
  const lines: string[] = [];
  const logger = new JsonLinesLogger('info', (line) => lines.push(line), () => 0);
  const reason = 'cannot reach \u202eevil\u2066 \u009b2J \u007f \u2028 é 👍';
  logger.log('warn', 'redis_unavailable', { reason });
  const line = lines[0] ?? '';
  assert.not.match(line, /[\u007f-\u009f\u202e\u2066\u2028]/);
  assert.match(line, '\\u202eevil\\u2066 \\u009b2J \\u007f \\u2028 é 👍');
  assert.is((JSON.parse(line) as { reason: string }).reason, reason);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RandomChallenges } from '../../src/adapters/system/random-challenges.ts';

test('each challenge is 24 fresh bytes, never handed out twice, across draws', () => {
  const challenges = new RandomChallenges();
  const seen = Array.from({ length: 1_000 }, () => challenges.next());
  assert.is(new Set(seen).size, seen.length);
  for (const challenge of seen) assert.is(Buffer.from(challenge, 'base64').length, 24, challenge);
  assert.is.not(new RandomChallenges().next(), new RandomChallenges().next(), 'two servers draw their own');
});

test.run();

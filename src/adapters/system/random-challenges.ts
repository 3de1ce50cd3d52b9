import { randomBytes } from 'node:crypto';
import { injectable } from 'inversify';
import type { Challenges } from '../../ports/challenges.ts';

const CHALLENGE_BYTES = 24;
/** Challenges drawn from OpenSSL at once: one call per this many connections instead of one each. */
const CHALLENGES_PER_DRAW = 256;

/** 192 random bits a connection, base64; each drawn bytes are handed out once. */
@injectable()
export class RandomChallenges implements Challenges {
  private drawn = Buffer.alloc(0);
  private at = 0;

  next(): string {
    if (this.at === this.drawn.length) {
      this.drawn = randomBytes(CHALLENGE_BYTES * CHALLENGES_PER_DRAW);
      this.at = 0;
    }
    return this.drawn.toString('base64', this.at, (this.at += CHALLENGE_BYTES));
  }
}

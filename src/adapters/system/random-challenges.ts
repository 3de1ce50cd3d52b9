import { randomBytes } from 'node:crypto';
import { injectable } from 'inversify';
import type { Challenges } from '../../ports/challenges.ts';

/** 192 random bits a connection, base64. */
@injectable()
export class RandomChallenges implements Challenges {
  next(): string {
    return randomBytes(24).toString('base64');
  }
}

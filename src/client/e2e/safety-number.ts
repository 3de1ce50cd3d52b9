import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { PublicIdentity } from '../../domain/identity-keys.ts';

const GROUPS = 12;

/**
 * Sixty digits in twelve groups, from both names and both identities, in an order that does not
 * depend on who asks: alice's `/verify bob` and bob's `/verify alice` show the same number.
 */
export function safetyNumber(a: { name: string; identity: PublicIdentity }, b: { name: string; identity: PublicIdentity }): string {
  const [first, second] = [describe(a), describe(b)].sort();
  const digest = sha512(concatBytes(utf8ToBytes('litsxg safety number v1\n'), utf8ToBytes(first!), utf8ToBytes(second!)));
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) {
    let value = 0;
    // Five bytes a group (40 bits, exact in a double), reduced to five digits.
    for (const byte of digest.subarray(i * 5, i * 5 + 5)) value = value * 256 + byte;
    groups.push(String(value % 100_000).padStart(5, '0'));
  }
  return groups.join(' ');
}

function describe({ name, identity }: { name: string; identity: PublicIdentity }): string {
  return `${name}\n${identity.signing}\n${identity.agreement}\n`;
}

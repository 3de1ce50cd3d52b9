/** RFC 9000 §16 in its shortest form, without the 8-byte one (RFC 9420 §2.1.2). */
export function varint(value: number): number[] {
  if (value < 64) return [value];
  if (value < 16384) return [0x40 | (value >> 8), value & 0xff];
  return [0x80 | (value >>> 24), (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}
const u16 = (value: number) => [value >> 8, value & 0xff];
export const u64 = (value: number) => Array.from({ length: 8 }, (_, i) => Math.floor(value / 2 ** (8 * (7 - i))) % 256);

/** An MLSMessage header's fields: wire 1 public, 2 private; content 1 application, 2 proposal, 3 commit. */
export interface MlsHeader {
  wire: number;
  group: Uint8Array;
  epoch: number;
  sender: { type: number; index?: number };
  aad: Uint8Array;
  content: number;
  tail: Uint8Array;
}

/** RFC 9420 §6.2 and §6.3, up to content_type, then `tail` (standing for the rest). */
export function encodeMlsHeader(h: MlsHeader): number[] {
  const bytes = [...u16(1), ...u16(h.wire), ...varint(h.group.length), ...h.group, ...u64(h.epoch)];
  if (h.wire === 1) {
    bytes.push(h.sender.type);
    if (h.sender.index !== undefined) bytes.push(...u64(h.sender.index).slice(4));
    bytes.push(...varint(h.aad.length), ...h.aad);
  }
  return [...bytes, h.content, ...h.tail];
}

export const mlsText = (bytes: readonly number[]) => `mls1.${Buffer.from(bytes).toString('base64')}`;

const CONTENT = { application: 1, proposal: 2, commit: 3 } as const;

/** A PrivateMessage of `group` (base64) at `epoch`, with `padding` bytes of stand-in ciphertext. */
export function privateMessage(group: string, epoch: number, content: keyof typeof CONTENT, padding = 64): string {
  const tail = new Uint8Array(padding).fill(0xa5);
  return mlsText(encodeMlsHeader({ wire: 2, group: Buffer.from(group, 'base64'), epoch, sender: { type: 1 }, aad: new Uint8Array(), content: CONTENT[content], tail }));
}

/** A Welcome (RFC 9420 §12.4.3.1), its contents stand-ins. */
export function welcomeMessage(padding = 64): string {
  return mlsText([0, 1, 0, 3, ...new Uint8Array(padding).fill(0x5a)]);
}

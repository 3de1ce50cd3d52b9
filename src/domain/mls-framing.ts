import { Base64Error, Base64Reader } from './base64-reader.ts';

/** docs/protocol.md "Groups": an MLS body is this prefix, then one MLSMessage in padded base64. */
export const MLS_PREFIX = 'mls1.';

/** RFC 9420 §6: WireFormat. */
export type WireFormat = 'public_message' | 'private_message' | 'welcome' | 'group_info' | 'key_package';
/** RFC 9420 §6: ContentType. */
export type ContentType = 'application' | 'proposal' | 'commit';

/**
 * What the relay reads of an MLSMessage, and nothing more (docs/protocol.md "Groups"): its wire
 * format and, for a Public or PrivateMessage, the group, the epoch and the content type.
 * `group` is the group id in canonical padded base64.
 */
export type MlsFraming =
  | { readonly wireFormat: 'public_message' | 'private_message'; readonly group: string; readonly epoch: number; readonly contentType: ContentType }
  | { readonly wireFormat: 'welcome' | 'group_info' | 'key_package' };

export type MlsFramingResult = { ok: true; framing: MlsFraming } | { ok: false; reason: string };

const WIRE_FORMATS: readonly (WireFormat | undefined)[] = [undefined, 'public_message', 'private_message', 'welcome', 'group_info', 'key_package'];
const CONTENT_TYPES: readonly (ContentType | undefined)[] = [undefined, 'application', 'proposal', 'commit'];
/** RFC 9420 §6: ProtocolVersion mls10. */
const MLS10 = 1;
/** RFC 9420 §6: SenderType. */
const SENDER_MEMBER = 1;
const SENDER_EXTERNAL = 2;
const SENDER_NEW_MEMBER_COMMIT = 4;

/**
 * Reads the header of `mls1.<base64>` (RFC 9420 §6): version, wire_format, then for a
 * PublicMessage the FramedContent up to its content_type (§6.2: group_id, epoch, sender,
 * authenticated_data, content_type) and for a PrivateMessage group_id, epoch and content_type
 * (§6.3). Only the base64 that covers the header is decoded; the rest is never looked at.
 */
export function parseMlsFraming(body: string): MlsFramingResult {
  if (!body.startsWith(MLS_PREFIX)) return { ok: false, reason: `expected ${MLS_PREFIX} and an MLS message in padded base64` };
  try {
    return { ok: true, framing: readFraming(new Base64Reader(body, MLS_PREFIX.length)) };
  } catch (error) {
    if (error instanceof Base64Error || error instanceof FramingError) return { ok: false, reason: `not an MLS message: ${error.message}` };
    throw error;
  }
}

class FramingError extends Error {}

function readFraming(reader: Base64Reader): MlsFraming {
  const version = u16(reader);
  if (version !== MLS10) throw new FramingError(`version ${version}, expected mls10 (1)`);
  const wireFormat = WIRE_FORMATS[u16(reader)];
  if (wireFormat === undefined) throw new FramingError('unknown wire_format');
  if (wireFormat !== 'public_message' && wireFormat !== 'private_message') return { wireFormat };
  const groupLength = varint(reader);
  if (groupLength > reader.remaining) throw new FramingError('group_id longer than the message');
  const group = reader.base64(groupLength);
  const epoch = u64(reader);
  if (wireFormat === 'public_message') {
    skipSender(reader);
    const authenticatedData = varint(reader);
    if (authenticatedData > reader.remaining) throw new FramingError('authenticated_data longer than the message');
    reader.skip(authenticatedData);
  }
  const contentType = CONTENT_TYPES[reader.u8()];
  if (contentType === undefined) throw new FramingError('unknown content_type');
  return { wireFormat, group, epoch, contentType };
}

/** RFC 9420 §6: Sender; a member and an external sender carry a uint32 index, new members nothing. */
function skipSender(reader: Base64Reader): void {
  const type = reader.u8();
  if (type === SENDER_MEMBER || type === SENDER_EXTERNAL) reader.skip(4);
  else if (type === 0 || type > SENDER_NEW_MEMBER_COMMIT) throw new FramingError('unknown sender_type');
}

function u16(reader: Base64Reader): number {
  return (reader.u8() << 8) | reader.u8();
}

/** A uint64 as a number: an epoch past 2^53 − 1 is refused rather than rounded. */
function u64(reader: Base64Reader): number {
  const high = (reader.u8() * 2 ** 24) + (reader.u8() << 16) + (reader.u8() << 8) + reader.u8();
  const low = (reader.u8() * 2 ** 24) + (reader.u8() << 16) + (reader.u8() << 8) + reader.u8();
  if (high >= 2 ** 21) throw new FramingError('epoch beyond 2^53 - 1');
  return high * 2 ** 32 + low;
}

/**
 * RFC 9420 §2.1.2: a vector's length is a QUIC variable-length integer (RFC 9000 §16) of 1, 2
 * or 4 bytes, the two high bits telling which; the 8-byte form (0b11) is invalid, and so is a
 * length not in its shortest form.
 */
function varint(reader: Base64Reader): number {
  const first = reader.u8();
  const prefix = first >>> 6;
  if (prefix === 0) return first;
  if (prefix === 3) throw new FramingError('vector length with prefix 0b11');
  let value = first & 0x3f;
  const bytes = prefix === 1 ? 2 : 4;
  for (let i = 1; i < bytes; i++) value = value * 256 + reader.u8();
  if ((prefix === 1 && value < 64) || (prefix === 2 && value < 16384)) throw new FramingError('vector length not minimally encoded');
  return value;
}

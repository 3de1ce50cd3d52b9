import type { InboundFrame, InboundOp } from './frames.ts';
import { withRef } from './frames.ts';
import { GROUP_VALIDATORS } from './group-frames.ts';
import { DEVICE_LIMITS, isDeviceId, isKeyPackage } from './devices.ts';
import { isPublicKey, isSignature } from './identity-keys.ts';
import { isOperatorName, isPassword, MAX_PASSWORD_BYTES } from './names.ts';
import { parseFrameText } from './parse-frame-text.ts';
import { codePointLength } from './text.ts';

export type DecodeResult =
  | { ok: true; frame: InboundFrame }
  | { ok: false; code: 'bad_frame' | 'unknown_op'; op?: undefined; ref?: string }
  /** `message` names the field and what it should have been, for the error frame. */
  | { ok: false; code: 'invalid'; op: InboundOp; ref?: string; message: string };

type Fields = Record<string, unknown>;
/** The frame, or what is wrong with it (`field: expected …`). */
type Validator = (fields: Fields, ref: string | undefined) => InboundFrame | string;

const NAME = 'expected an operator name (1 to 32 of a-z 0-9 . _ -, starting with a letter or digit)';
const PUBLIC_KEY = 'expected a 32-byte public key in padded base64';
const SIGNATURE = 'expected a 64-byte Ed25519 signature in padded base64';
const DEVICE = 'expected a device id (4 to 16 of a-z 0-9)';
const KEY_PACKAGE = `expected mls1. and canonical padded base64 of at most ${DEVICE_LIMITS.packageChars} characters`;

const MAX_REF_CHARS = 64;
const MAX_ACK_IDS = 1000;
/** docs/protocol.md "Presence". */
const MAX_WATCHED_NAMES = 256;

/** PROTOCOL "Framing": one line of text to a frame, or the error that line earns. */
export function decodeFrame(line: string | null): DecodeResult {
  if (line === null) return { ok: false, code: 'bad_frame' };
  let parsed: unknown;
  try {
    parsed = parseFrameText(line);
  } catch {
    return { ok: false, code: 'bad_frame' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, code: 'bad_frame' };
  const fields = parsed as Fields;
  const op = fields.op;
  if (typeof op !== 'string') return { ok: false, code: 'bad_frame' };
  const ref = fields.ref;
  // A string never has more code points than UTF-16 units: only a long one needs counting.
  const validRef = ref === undefined || (typeof ref === 'string' && (ref.length <= MAX_REF_CHARS || codePointLength(ref) <= MAX_REF_CHARS));
  const echoedRef = validRef ? (ref as string | undefined) : undefined;
  // A Map, not an object lookup: an op such as "constructor" must not reach Object.prototype.
  const validate = VALIDATORS.get(op);
  if (validate === undefined) return { ok: false, code: 'unknown_op', ref: echoedRef };
  const knownOp = op as InboundOp;
  if (!validRef) return { ok: false, code: 'invalid', op: knownOp, message: `ref: expected a string of at most ${MAX_REF_CHARS} characters` };
  const frame = validate(fields, echoedRef);
  return typeof frame === 'string' ? { ok: false, code: 'invalid', op: knownOp, ref: echoedRef, message: frame } : { ok: true, frame };
}

function credentials(op: 'auth' | 'register'): Validator {
  return ({ name, password }, ref) => {
    if (!isOperatorName(name)) return `name: ${NAME}`;
    if (!isPassword(password)) return `password: expected a string of 1 to ${MAX_PASSWORD_BYTES} bytes`;
    return withRef<InboundFrame>({ op, name, password }, ref);
  };
}

function send({ to, body }: Fields, ref: string | undefined): InboundFrame | string {
  if (!isOperatorName(to)) return `to: ${NAME}`;
  if (typeof body !== 'string' || body.length === 0) return 'body: expected a non-empty string';
  return withRef<InboundFrame>({ op: 'send', to, body }, ref);
}

/** docs/protocol.md "Devices and key packages": one-time packages, a last resort, or both. */
function publishKeyPackages({ packages, last_resort: lastResort }: Fields, ref: string | undefined): InboundFrame | string {
  if (!Array.isArray(packages) || packages.length > DEVICE_LIMITS.packagesPerFrame) return `packages: expected an array of at most ${DEVICE_LIMITS.packagesPerFrame} key packages`;
  const bad = packages.findIndex((item) => !isKeyPackage(item));
  if (bad !== -1) return `packages[${bad}]: ${KEY_PACKAGE}`;
  if (lastResort !== undefined && !isKeyPackage(lastResort)) return `last_resort: ${KEY_PACKAGE}`;
  if (packages.length === 0 && lastResort === undefined) return 'packages or last_resort: expected at least one key package';
  const frame: InboundFrame = { op: 'publish_key_packages', packages: packages as string[] };
  if (lastResort !== undefined) frame.last_resort = lastResort;
  return withRef(frame, ref);
}

/** docs/protocol.md "Devices and key packages": a certificate, or else an `agreement` key for a pending device ("Approval"). */
function publishDevice({ device, signing, certificate, agreement }: Fields, ref: string | undefined): InboundFrame | string {
  if (!isDeviceId(device)) return `device: ${DEVICE}`;
  if (!isPublicKey(signing)) return `signing: ${PUBLIC_KEY}`;
  if (certificate === undefined) {
    if (!isPublicKey(agreement)) return `agreement: ${PUBLIC_KEY} (a device published without certificate is pending)`;
    return withRef<InboundFrame>({ op: 'publish_device', device, signing, agreement }, ref);
  }
  if (!isSignature(certificate)) return `certificate: ${SIGNATURE}`;
  if (agreement !== undefined) return 'agreement: expected none beside a certificate (only a pending device has one)';
  return withRef<InboundFrame>({ op: 'publish_device', device, signing, certificate }, ref);
}

function ackIds({ id, ids }: Fields): string[] | string {
  if (id === undefined && ids === undefined) return 'id or ids: expected a message id, or a list of them';
  if (id !== undefined && typeof id !== 'string') return 'id: expected a string';
  if (ids !== undefined && !(Array.isArray(ids) && ids.length <= MAX_ACK_IDS && ids.every((i) => typeof i === 'string'))) {
    return `ids: expected an array of at most ${MAX_ACK_IDS} strings`;
  }
  // The parsed array is this frame's own: it is kept as it is unless `id` joins it.
  if (id === undefined) return ids as string[];
  return ids === undefined ? [id] : [...(ids as string[]), id];
}

const VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['auth', credentials('auth')],
  ['register', credentials('register')],
  ['auth_key', ({ name, device, signature }, ref) => {
    if (!isOperatorName(name)) return `name: ${NAME}`;
    if (device !== undefined && !isDeviceId(device)) return `device: ${DEVICE}`;
    if (!isSignature(signature)) return `signature: ${SIGNATURE}`;
    return withRef<InboundFrame>(device === undefined ? { op: 'auth_key', name, signature } : { op: 'auth_key', name, device, signature }, ref);
  }],
  ['publish_key', ({ agreement, signing }, ref) => {
    if (!isPublicKey(agreement)) return `agreement: ${PUBLIC_KEY}`;
    if (!isPublicKey(signing)) return `signing: ${PUBLIC_KEY}`;
    return withRef<InboundFrame>({ op: 'publish_key', agreement, signing }, ref);
  }],
  ['fetch_key', ({ name }, ref) => (isOperatorName(name) ? withRef<InboundFrame>({ op: 'fetch_key', name }, ref) : `name: ${NAME}`)],
  ['publish_device', publishDevice],
  ['fetch_devices', ({ name }, ref) => (isOperatorName(name) ? withRef<InboundFrame>({ op: 'fetch_devices', name }, ref) : `name: ${NAME}`)],
  ['revoke_device', ({ device }, ref) => (isDeviceId(device) ? withRef<InboundFrame>({ op: 'revoke_device', device }, ref) : `device: ${DEVICE}`)],
  ['publish_key_packages', publishKeyPackages],
  ['fetch_key_packages', ({ name, device }, ref) => {
    if (!isOperatorName(name)) return `name: ${NAME}`;
    if (device !== undefined && !isDeviceId(device)) return `device: ${DEVICE}`;
    return withRef<InboundFrame>(device === undefined ? { op: 'fetch_key_packages', name } : { op: 'fetch_key_packages', name, device }, ref);
  }],
  ['send', send],
  ['ack', (fields, ref) => {
    const ids = ackIds(fields);
    if (typeof ids === 'string') return ids;
    // docs/protocol.md "Unreadable copies": a flag, never a reason the relay would learn.
    if (fields.unreadable !== undefined && typeof fields.unreadable !== 'boolean') return 'unreadable: expected true or false';
    return withRef<InboundFrame>(fields.unreadable === true ? { op: 'ack', ids, unreadable: true } : { op: 'ack', ids }, ref);
  }],
  ['who', (_, ref) => withRef<InboundFrame>({ op: 'who' }, ref)],
  ['watch', ({ names }, ref) => {
    if (!Array.isArray(names) || names.length > MAX_WATCHED_NAMES) return `names: expected an array of at most ${MAX_WATCHED_NAMES} operator names`;
    const bad = names.findIndex((name) => !isOperatorName(name));
    return bad === -1 ? withRef<InboundFrame>({ op: 'watch', names: names as string[] }, ref) : `names[${bad}]: ${NAME}`;
  }],
  ['ping', (_, ref) => withRef<InboundFrame>({ op: 'ping' }, ref)],
  ['quit', (_, ref) => withRef<InboundFrame>({ op: 'quit' }, ref)],
  ...GROUP_VALIDATORS,
]);

/** PROTOCOL "Session" 5: what an unauthenticated connection may say. */
export const PRE_AUTH_OPS: ReadonlySet<InboundOp> = new Set<InboundOp>(['auth', 'register', 'auth_key', 'ping', 'quit']);

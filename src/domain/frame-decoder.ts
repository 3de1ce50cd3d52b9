import type { InboundFrame, InboundOp } from './frames.ts';
import { withRef } from './frames.ts';
import { isPublicKey, isSignature } from './identity-keys.ts';
import { isOperatorName, isPassword } from './names.ts';
import { codePointLength } from './text.ts';

export type DecodeResult =
  | { ok: true; frame: InboundFrame }
  | { ok: false; code: 'bad_frame' | 'unknown_op' | 'invalid'; op?: InboundOp; ref?: string };

type Fields = Record<string, unknown>;
type Validator = (fields: Fields, ref: string | undefined) => InboundFrame | undefined;

const MAX_REF_CHARS = 64;
const MAX_ACK_IDS = 1000;

/** PROTOCOL "Framing": one line of text to a frame, or the error that line earns. */
export function decodeFrame(line: string | null): DecodeResult {
  if (line === null) return { ok: false, code: 'bad_frame' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
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
  if (!validRef) return { ok: false, code: 'invalid', op: knownOp };
  const frame = validate(fields, echoedRef);
  return frame === undefined ? { ok: false, code: 'invalid', op: knownOp, ref: echoedRef } : { ok: true, frame };
}

function credentials(op: 'auth' | 'register'): Validator {
  return ({ name, password }, ref) =>
    isOperatorName(name) && isPassword(password) ? withRef<InboundFrame>({ op, name, password }, ref) : undefined;
}

function ackIds({ id, ids }: Fields): string[] | undefined {
  if (id === undefined && ids === undefined) return undefined;
  if (id !== undefined && typeof id !== 'string') return undefined;
  if (ids !== undefined && !(Array.isArray(ids) && ids.length <= MAX_ACK_IDS && ids.every((i) => typeof i === 'string'))) {
    return undefined;
  }
  // The parsed array is this frame's own: it is kept as it is unless `id` joins it.
  if (id === undefined) return ids as string[];
  return ids === undefined ? [id] : [...(ids as string[]), id];
}

const VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['auth', credentials('auth')],
  ['register', credentials('register')],
  ['auth_key', ({ name, signature }, ref) =>
    isOperatorName(name) && isSignature(signature) ? withRef<InboundFrame>({ op: 'auth_key', name, signature }, ref) : undefined],
  ['publish_key', ({ agreement, signing }, ref) =>
    isPublicKey(agreement) && isPublicKey(signing) ? withRef<InboundFrame>({ op: 'publish_key', agreement, signing }, ref) : undefined],
  ['fetch_key', ({ name }, ref) => isOperatorName(name) ? withRef<InboundFrame>({ op: 'fetch_key', name }, ref) : undefined],
  ['send', ({ to, body }, ref) =>
    isOperatorName(to) && typeof body === 'string' && body.length > 0 ? withRef<InboundFrame>({ op: 'send', to, body }, ref) : undefined],
  ['ack', (fields, ref) => {
    const ids = ackIds(fields);
    return ids === undefined ? undefined : withRef<InboundFrame>({ op: 'ack', ids }, ref);
  }],
  ['who', (_, ref) => withRef<InboundFrame>({ op: 'who' }, ref)],
  ['ping', (_, ref) => withRef<InboundFrame>({ op: 'ping' }, ref)],
  ['quit', (_, ref) => withRef<InboundFrame>({ op: 'quit' }, ref)],
]);

/** PROTOCOL "Session" 5: what an unauthenticated connection may say. */
export const PRE_AUTH_OPS: ReadonlySet<InboundOp> = new Set<InboundOp>(['auth', 'register', 'auth_key', 'ping', 'quit']);

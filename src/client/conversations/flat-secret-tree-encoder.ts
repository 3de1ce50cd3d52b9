import type { BufferEncoder } from 'ts-mls/codec/tlsEncoder.js';
import type { GenerationSecret, SecretTree } from 'ts-mls/secretTree.js';

/** RFC 9420 §2.1.2: a vector's length as a 1, 2 or 4-byte variable-size integer. */
function prefixSize(length: number): number {
  if (length < 64) return 1;
  if (length < 16384) return 2;
  if (length < 0x40000000) return 4;
  throw new RangeError('a vector longer than MLS encodes');
}

function writeLength(view: DataView, at: number, length: number): number {
  const size = prefixSize(length);
  if (size === 1) view.setUint8(at, length);
  else if (size === 2) view.setUint16(at, length | 0x4000);
  else view.setUint32(at, (length | 0x80000000) >>> 0);
  return at + size;
}

function entriesSize(unused: Record<number, Uint8Array>): number {
  let size = 0;
  for (const key of Object.keys(unused)) size += 4 + prefixSize(unused[Number(key)]!.length) + unused[Number(key)]!.length;
  return size;
}

function generationSize(secret: GenerationSecret): number {
  const entries = entriesSize(secret.unusedGenerations);
  return prefixSize(secret.secret.length) + secret.secret.length + 4 + prefixSize(entries) + entries;
}

function writeBytes(view: DataView, bytes: Uint8Array, at: number, data: Uint8Array): number {
  at = writeLength(view, at, data.length);
  bytes.set(data, at);
  return at + data.length;
}

function writeGeneration(view: DataView, bytes: Uint8Array, at: number, secret: GenerationSecret): number {
  at = writeBytes(view, bytes, at, secret.secret);
  view.setUint32(at, secret.generation);
  at = writeLength(view, at + 4, entriesSize(secret.unusedGenerations));
  for (const key of Object.keys(secret.unusedGenerations)) {
    view.setUint32(at, Number(key));
    at = writeBytes(view, bytes, at + 4, secret.unusedGenerations[Number(key)]!);
  }
  return at;
}

/**
 * ts-mls 1.6.4's secretTreeEncoder, byte for byte (test/client/state-encoder.test.ts), written in
 * one pass: ts-mls builds some ten closures and arrays for each of a tree's generation secrets
 * (two a node, 255 nodes at 100 members, a tree for each epoch kept), megabytes of garbage each
 * time a state is written. The secrets go straight into the state's buffer; nothing is kept.
 */
export const flatSecretTreeEncoder: BufferEncoder<SecretTree> = (tree) => {
  let body = 0;
  for (const node of tree) body += generationSize(node.handshake) + generationSize(node.application);
  return [prefixSize(body) + body, (offset, buffer) => {
    const view = new DataView(buffer);
    const bytes = new Uint8Array(buffer);
    let at = writeLength(view, offset, body);
    for (const node of tree) at = writeGeneration(view, bytes, writeGeneration(view, bytes, at, node.handshake), node.application);
  }];
};

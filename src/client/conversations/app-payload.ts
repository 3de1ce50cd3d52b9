/**
 * The plaintext of an MLS application message: a text and its id, so that a message that comes
 * twice (re-sent after a relay restart, redelivered) is shown once.
 */
export interface AppPayload {
  readonly id: string;
  readonly text: string;
}

export function encodePayload(payload: AppPayload): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, id: payload.id, text: payload.text }));
}

export function decodePayload(bytes: Uint8Array): AppPayload | undefined {
  try {
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as { v?: unknown; id?: unknown; text?: unknown };
    if (value.v === 1 && typeof value.id === 'string' && typeof value.text === 'string') return { id: value.id, text: value.text };
  } catch {
    // Not a payload of ours.
  }
  return undefined;
}

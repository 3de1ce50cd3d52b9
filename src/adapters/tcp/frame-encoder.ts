import type { OutboundFrame } from '../../domain/frames.ts';

const quote = JSON.stringify as (text: string) => string;

/**
 * A frame's JSON text, exactly what `JSON.stringify` gives. The small frames every message
 * earns (sent, receipt) are put together from quoted strings, about a third cheaper than
 * serializing an object; `msg` is not, as quoting its body separately costs more (measured).
 */
export function encodeFrame(frame: OutboundFrame): string {
  switch (frame.op) {
    case 'sent': {
      // docs/protocol.md "Groups": a group send's answer lists its copies.
      if (frame.copies !== undefined) return JSON.stringify(frame);
      const text = `{"op":"sent","id":${quote(frame.id)},"status":${quote(frame.status)}`;
      return frame.ref === undefined ? `${text}}` : `${text},"ref":${quote(frame.ref)}}`;
    }
    case 'receipt':
      return `{"op":"receipt","id":${quote(frame.id)},"to":${quote(frame.to)}}`;
    default:
      return JSON.stringify(frame);
  }
}

import * as assert from 'uvu/assert';
import type { OutboundFrame } from '../../src/domain/frames.ts';

export type FrameOf<Op extends OutboundFrame['op']> = Extract<OutboundFrame, { op: Op }>;

/** The frame, typed as the `op` it must be; anything else fails, printing the frame that came. */
export function expectFrame<Op extends OutboundFrame['op']>(frame: OutboundFrame | undefined, op: Op): FrameOf<Op> {
  assert.is(frame?.op, op, `expected ${op}, got ${JSON.stringify(frame)}`);
  return frame as FrameOf<Op>;
}

/** Each frame in a word or two (`sent queued`, `auth_failed`, `welcome`): short to compare, printed as seen. */
export function outline(frames: readonly OutboundFrame[]): string[] {
  return frames.map((f) => (f.op === 'error' ? f.code : f.op === 'sent' ? `sent ${f.status}` : f.op));
}

/** The deliveries among `frames`. */
export function msgs(frames: readonly OutboundFrame[]): FrameOf<'msg'>[] {
  return frames.filter((f): f is FrameOf<'msg'> => f.op === 'msg');
}

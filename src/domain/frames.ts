import type { DeviceRecord, ListedDevice, PendingDevice } from './devices.ts';
import type { ErrorCode } from './errors.ts';
import { ERROR_MESSAGES } from './errors.ts';
import type { GroupInboundFrame, GroupOutboundFrame } from './group-frames.ts';
import type { NewMessage } from './messages.ts';
import type { RouteOutcome } from './router.ts';

/** Frames a client sends, once validated (PROTOCOL "Session", "Messages", "Other frames"). */
export type InboundFrame =
  | { op: 'auth'; name: string; password: string; ref?: string }
  | { op: 'register'; name: string; password: string; ref?: string }
  | { op: 'auth_key'; name: string; device?: string; signature: string; ref?: string }
  | KeyFrame
  | { op: 'send'; to: string; body: string; ref?: string }
  /** `unreadable`: the copies could not be opened (docs/protocol.md "Unreadable copies"). */
  | { op: 'ack'; ids: string[]; unreadable?: true; ref?: string }
  | { op: 'who'; ref?: string }
  /** docs/protocol.md "Presence". */
  | { op: 'watch'; names: string[]; ref?: string }
  | { op: 'ping'; ref?: string }
  | { op: 'quit'; ref?: string }
  | GroupInboundFrame;

/** docs/protocol.md "Keys" and "Devices and key packages": the frames KeyFrames answers. */
export type KeyFrame =
  | { op: 'publish_key'; agreement: string; signing: string; ref?: string }
  | { op: 'fetch_key'; name: string; ref?: string }
  /** With `certificate`, a certified device; with `agreement` instead, a pending one (docs/protocol.md "Approval"). */
  | ({ op: 'publish_device'; ref?: string } & (DeviceRecord | PendingDevice))
  | { op: 'fetch_devices'; name: string; ref?: string }
  | { op: 'revoke_device'; device: string; ref?: string }
  | { op: 'publish_key_packages'; packages: string[]; last_resort?: string; ref?: string }
  /** With `device`, that device's package alone (docs/protocol.md "Devices and key packages"). */
  | { op: 'fetch_key_packages'; name: string; device?: string; ref?: string };

export type InboundOp = InboundFrame['op'];

export type OutboundFrame =
  | { op: 'hello'; server: 'litsxg'; protocol: 1; registration: 'open' | 'closed'; features: ('keys' | 'devices' | 'groups')[]; server_id: string; boot_id: string; challenge: string; onion?: 'up' | 'down' }
  | { op: 'welcome'; name: string; pending: number; device?: string }
  | { op: 'sent'; ref?: string; id: string; status: 'delivered' | 'queued'; copies?: undefined }
  | { op: 'msg'; id: string; from: string; body: string; ts: number; redelivered?: true }
  | { op: 'receipt'; id: string; to: string; unreadable?: true }
  /** Answers `who`, or `watch` (with its `ref`: docs/protocol.md "Presence"). */
  | { op: 'online'; names: string[]; ref?: string }
  | { op: 'presence'; name: string; online: boolean }
  | { op: 'pong'; ref?: string }
  | { op: 'key_published'; ref?: string }
  | { op: 'key'; name: string; agreement: string; signing: string; ref?: string }
  | ({ op: 'device_published'; pending?: true; ref?: string } & Pick<DeviceRecord, 'device'>)
  | { op: 'devices'; name: string; devices: ListedDevice[]; ref?: string }
  | { op: 'device_revoked'; device: string; ref?: string }
  | { op: 'key_packages_published'; count: number; ref?: string }
  | { op: 'key_packages'; name: string; packages: { device: string; package: string; last_resort?: true }[]; ref?: string }
  | { op: 'bye'; reason: 'replaced' | 'quit' | 'shutdown' | 'revoked' }
  | GroupOutboundFrame
  | ErrorFrame;

export interface ErrorFrame {
  op: 'error';
  code: ErrorCode;
  message: string;
  ref?: string;
  retry_after_ms?: number;
  /** With `stale_epoch`: the group's current epoch (docs/protocol.md "Groups"). */
  epoch?: number;
}

/** Copies a client's `ref` onto the frame that answers it, when it had one. */
export function withRef<T extends object>(frame: T, ref: string | undefined): T {
  if (ref !== undefined) (frame as { ref?: string }).ref = ref;
  return frame;
}

/** `message` defaults to the code's own; `invalid` names the field instead (docs/protocol.md, "Errors"). */
export function errorFrame(code: ErrorCode, ref?: string, retryAfterMs?: number, message = ERROR_MESSAGES[code]): ErrorFrame {
  const frame = withRef<ErrorFrame>({ op: 'error', code, message }, ref);
  if (retryAfterMs !== undefined) frame.retry_after_ms = Math.max(1, Math.ceil(retryAfterMs));
  return frame;
}

/** PROTOCOL "Messages", delivery: `redelivered` only on a message pushed before. */
export function messageFrame(id: string, { from, body, ts }: NewMessage, redelivered: boolean): OutboundFrame {
  const frame: OutboundFrame = { op: 'msg', id, from, body, ts };
  if (redelivered) frame.redelivered = true;
  return frame;
}

/** PROTOCOL "Messages", accepted; docs/protocol.md "Devices and key packages": `copies` for a name with devices. */
export function sentFrame({ id, status, copies }: Extract<RouteOutcome, { ok: true }>): OutboundFrame {
  return copies === undefined ? { op: 'sent', id, status } : { op: 'sent', id, status, copies };
}

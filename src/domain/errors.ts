/** PROTOCOL "Errors". */
export type ErrorCode =
  | 'frame_too_large' | 'too_many_errors' | 'auth_timeout' | 'idle_timeout' | 'server_busy'
  | 'bad_frame' | 'unknown_op' | 'invalid' | 'not_authenticated' | 'already_authenticated'
  | 'auth_failed' | 'rate_limited' | 'registration_closed' | 'name_taken' | 'weak_password'
  | 'no_such_recipient' | 'body_too_large' | 'queue_full' | 'internal' | 'no_key'
  // docs/protocol.md "Devices and key packages".
  | 'too_many_devices' | 'device_taken' | 'no_such_device' | 'not_a_device' | 'too_many_key_packages'
  // docs/protocol.md "Groups".
  | 'stale_epoch' | 'no_such_group';

export const ERROR_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  frame_too_large: 'frame longer than the frame limit',
  too_many_errors: 'too many malformed frames on this connection',
  auth_timeout: 'not authenticated in time',
  idle_timeout: 'idle for too long',
  server_busy: 'connection limit reached, try again later',
  bad_frame: 'not a JSON object with a string op',
  unknown_op: 'unknown op',
  invalid: 'missing or wrongly typed fields',
  not_authenticated: 'authenticate first',
  already_authenticated: 'already authenticated',
  auth_failed: 'wrong name or password',
  rate_limited: 'too many attempts, retry later',
  registration_closed: 'registration is closed',
  name_taken: 'that name is taken',
  weak_password: 'password must have at least 10 characters',
  no_such_recipient: 'no such operator',
  body_too_large: 'body longer than the body limit',
  queue_full: "the recipient's queue is full",
  internal: 'internal error',
  no_key: 'that operator has published no key',
  too_many_devices: 'that operator has as many devices as allowed: revoke one first',
  device_taken: 'that device id is published with another key: revoke it first',
  no_such_device: 'no such device',
  not_a_device: 'only a session logged in as a device may do this',
  too_many_key_packages: 'the device would hold more one-time key packages than allowed',
  stale_epoch: 'the group is at another epoch: process its commits first',
  no_such_group: 'no such group, or you are not a member',
};


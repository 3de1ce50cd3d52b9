export type TorControlFailure =
  | 'unreachable' // no connection to the control port (refused, timed out, no such socket)
  | 'auth_failed' // tor refused our credentials, or we have none it accepts
  | 'refused' // tor answered a command with an error status
  | 'closed' // the control connection went away
  | 'protocol' // tor said something we cannot parse
  | 'key_file'; // the persisted onion key cannot be read or written

/** Every failure of the Tor control adapter; the message is one line, without secrets. */
export class TorControlError extends Error {
  override readonly name = 'TorControlError';
  constructor(
    readonly reason: TorControlFailure,
    message: string,
  ) {
    super(message);
  }
}

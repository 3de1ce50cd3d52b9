import type { DeviceId } from './devices.ts';
import type { OperatorName } from './names.ts';
import type { WaitingAnswer } from './overlapping-answers.ts';

/** Unique across instances, so presence can point at a connection held anywhere. */
export type ConnectionId = string;

/** Everything the core remembers about one connection, held by the SessionStore port. */
export interface Session {
  readonly id: ConnectionId;
  /**
   * Set once authenticated: the session's mailbox, where its queue lives and what presence keys
   * on (docs/protocol.md "Devices and key packages"): the operator's name, or `name/device`.
   */
  name: string | undefined;
  /** Set with `name`: the operator, whose name sends, rate buckets and permissions go by. */
  operator: OperatorName | undefined;
  /** Set with `name` for a device session. */
  device: DeviceId | undefined;
  /** Welcome and pending messages sent: live pushes may follow. */
  ready: boolean;
  /** Sequence number of the last message written to this connection: a failed push retries after it. */
  pushedThrough: number;
  /** A push loop is running for this connection; `pushAgain` asks it for one more round. */
  pushing: boolean;
  pushAgain: boolean;
  authFailures: number;
  protocolErrors: number;
  /** Sent in `hello`: what a key login on this connection signs. */
  challenge: string;
  /** Closed by the core (replaced, quit, fatal error): frames still arriving are ignored. */
  closing: boolean;
  /**
   * Resolves once every send and ack answer still waiting for a port has been given, while
   * later frames are handled (docs/protocol.md "Pipelining"); undefined when none waits.
   */
  answering: Promise<void> | undefined;
  /** Resolves `answering`. */
  allAnswered: (() => void) | undefined;
  /** Sends and acks whose answer is still waiting, in the frames' order. */
  readonly waitingAnswers: WaitingAnswer[];
}

export function newSession(id: ConnectionId): Session {
  return {
    id, name: undefined, operator: undefined, device: undefined, ready: false, pushedThrough: 0, pushing: false, pushAgain: false,
    authFailures: 0, protocolErrors: 0, challenge: '', closing: false, answering: undefined, allAnswered: undefined, waitingAnswers: [],
  };
}

/**
 * The core is done with this connection (quit, fatal error, takeover, shutdown, close): nothing
 * more is pushed to it and its further frames are ignored. The one way a session ends.
 */
export function endSession(session: Session): void {
  session.closing = true;
  session.ready = false;
}

import type { CiphersuiteImpl, ClientState, PrivateMessage } from 'ts-mls';
import { unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { getSenderLeafNodeIndex } from 'ts-mls/sender.js';
import type { DeviceRef } from './device-credential.ts';
import { leafAt } from './group-members.ts';

export interface OpenedApplication {
  readonly sender: DeviceRef;
  readonly data: Uint8Array;
  readonly newState: ClientState;
  /** Secrets used up: zeroed once the new state is saved. */
  readonly consumed: Uint8Array[];
}

/**
 * An application message, with the leaf that sent it: ts-mls 1.6.4's processMessage gives the
 * plaintext but not its sender, so this does what its application branch does (the current
 * epoch, or one whose keys are still retained) and reads the sender from the decrypted content.
 * Undefined when the epoch's keys are gone (forward secrecy) or the sender's leaf is no device.
 */
export async function openApplication(state: ClientState, message: PrivateMessage, suite: CiphersuiteImpl): Promise<OpenedApplication | undefined> {
  const current = message.epoch === state.groupContext.epoch;
  const epoch = current
    ? { senderDataSecret: state.keySchedule.senderDataSecret, secretTree: state.secretTree, ratchetTree: state.ratchetTree, groupContext: state.groupContext }
    : state.historicalReceiverData.get(message.epoch);
  if (epoch === undefined) return undefined;
  const result = await unprotectPrivateMessage(epoch.senderDataSecret, message, epoch.secretTree, epoch.ratchetTree, epoch.groupContext, state.clientConfig.keyRetentionConfig, suite);
  const { content } = result.content;
  const leaf = getSenderLeafNodeIndex(content.sender);
  const sender = leaf === undefined ? undefined : leafAt(epoch.ratchetTree, leaf);
  if (content.contentType !== 'application' || sender === undefined) return undefined;
  const newState: ClientState = current
    ? { ...state, secretTree: result.tree }
    : { ...state, historicalReceiverData: new Map(state.historicalReceiverData).set(message.epoch, { ...state.historicalReceiverData.get(message.epoch)!, secretTree: result.tree }) };
  return { sender, data: content.applicationData, newState, consumed: result.consumed };
}

import type { ClientState, RatchetTree } from 'ts-mls';
import type { BufferEncoder } from 'ts-mls/codec/tlsEncoder.js';
import { contramapBufferEncoders, encode } from 'ts-mls/codec/tlsEncoder.js';
import { bigintMapEncoder, varLenDataEncoder } from 'ts-mls/codec/variableLength.js';
import type { EpochReceiverData } from 'ts-mls/epochReceiverData.js';
import { groupActiveStateEncoder } from 'ts-mls/groupActiveState.js';
import { groupContextEncoder } from 'ts-mls/groupContext.js';
import { keyScheduleEncoder } from 'ts-mls/keySchedule.js';
import { privateKeyPathEncoder } from 'ts-mls/privateKeyPath.js';
import { ratchetTreeEncoder } from 'ts-mls/ratchetTree.js';
import { unappliedProposalsEncoder } from 'ts-mls/unappliedProposals.js';
import { flatSecretTreeEncoder } from './flat-secret-tree-encoder.ts';

const encodeTree = encode(ratchetTreeEncoder);

type EpochFields = [Uint8Array, EpochReceiverData['secretTree'], RatchetTree, Uint8Array, EpochReceiverData['groupContext']];
type StateFields = [ClientState['groupContext'], ClientState['keySchedule'], ClientState['secretTree'], RatchetTree,
  ClientState['privatePath'], Uint8Array, ClientState['unappliedProposals'], Uint8Array, ClientState['historicalReceiverData'],
  ClientState['groupActiveState']];

/**
 * ts-mls 1.6.4's encodeGroupState, byte for byte (test/client/state-encoder.test.ts), with far
 * less garbage: encoding a 100-member X-Wing state allocated 7.3 MB, 97% of it for the ratchet
 * trees (the current one and one per epoch kept for late messages), the rest mostly for the
 * secret trees' closures. An application message leaves the ratchet trees as they were, while
 * its state is written once a burst (GroupStates.advance): each tree is encoded once. ts-mls
 * replaces a tree by a new array whenever it changes, so the encoding is kept by the array, in a
 * WeakMap that lets it go with the tree. A ratchet tree holds only public keys and credentials:
 * nothing secret is kept here. Secret trees are written in one pass (flat-secret-tree-encoder.ts).
 */
export class StateEncoder {
  private readonly trees = new WeakMap<RatchetTree, Uint8Array>();

  private readonly tree: BufferEncoder<RatchetTree> = (tree) => {
    let bytes = this.trees.get(tree);
    if (bytes === undefined) this.trees.set(tree, (bytes = encodeTree(tree)));
    const encoded = bytes;
    return [encoded.length, (offset, buffer) => new Uint8Array(buffer).set(encoded, offset)];
  };

  // The field lists of ts-mls's epochReceiverDataEncoder and groupStateEncoder (clientState.js).
  private readonly epoch = contramapBufferEncoders<EpochFields, EpochReceiverData>(
    [varLenDataEncoder, flatSecretTreeEncoder, this.tree, varLenDataEncoder, groupContextEncoder],
    (data: EpochReceiverData) => [data.resumptionPsk, data.secretTree, data.ratchetTree, data.senderDataSecret, data.groupContext],
  );

  private readonly state = encode(contramapBufferEncoders<StateFields, ClientState>(
    [groupContextEncoder, keyScheduleEncoder, flatSecretTreeEncoder, this.tree, privateKeyPathEncoder, varLenDataEncoder,
      unappliedProposalsEncoder, varLenDataEncoder, bigintMapEncoder(this.epoch), groupActiveStateEncoder],
    (state: ClientState) => [state.groupContext, state.keySchedule, state.secretTree, state.ratchetTree, state.privatePath,
      state.signaturePrivateKey, state.unappliedProposals, state.confirmationTag, state.historicalReceiverData, state.groupActiveState],
  ));

  encode(state: ClientState): Uint8Array {
    return this.state(state);
  }
}

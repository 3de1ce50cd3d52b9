import type { ClientConfig, ClientState } from 'ts-mls';
import { decodeGroupState, encodeGroupState } from 'ts-mls';
import type { ConversationStore } from './conversation-store.ts';

export function groupKey(groupId: Uint8Array): string {
  return Array.from(groupId, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Group states as the store keeps them: `group/<id>` the current epoch, `pending/<id>` a commit
 * of ours sent but not yet ordered by the relay. The new state replaces the old only once
 * saved, and the old one's secrets go with it (STYLE 10: a crash never leaves a group between
 * epochs).
 */
export class GroupStates {
  constructor(private readonly store: ConversationStore, private readonly config: ClientConfig) {}

  async load(key: string): Promise<ClientState | undefined> {
    return this.decode(await this.store.get(`group/${key}`));
  }

  save(key: string, state: ClientState): Promise<void> {
    return this.store.put(`group/${key}`, encodeGroupState(state));
  }

  async delete(key: string): Promise<void> {
    await this.store.delete(`pending/${key}`);
    await this.store.delete(`group/${key}`);
  }

  async keys(): Promise<string[]> {
    return (await this.store.keys('group/')).map((key) => key.slice('group/'.length));
  }

  async loadPending(key: string): Promise<ClientState | undefined> {
    return this.decode(await this.store.get(`pending/${key}`));
  }

  savePending(key: string, state: ClientState): Promise<void> {
    return this.store.put(`pending/${key}`, encodeGroupState(state));
  }

  dropPending(key: string): Promise<void> {
    return this.store.delete(`pending/${key}`);
  }

  private decode(bytes: Uint8Array | undefined): ClientState | undefined {
    const decoded = bytes === undefined ? undefined : decodeGroupState(bytes, 0);
    return decoded === undefined ? undefined : { ...decoded[0], clientConfig: this.config };
  }
}

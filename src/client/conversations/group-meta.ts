import type { Extension } from 'ts-mls';

/**
 * What a conversation is, kept inside MLS as a group context extension, so only members read
 * it and a new member learns it from its Welcome: the relay sees neither name nor kind.
 */
export interface GroupMeta {
  readonly kind: 'direct' | 'group';
  /** A group's name (`ops`), or a direct conversation's two operators, sorted (`alice,bob`). */
  readonly name: string;
}

/** RFC 9420 §17.3: 0xF000–0xFFFF is for private use. */
export const GROUP_META_EXTENSION = 0xf1a5;

export function groupMetaExtension(meta: GroupMeta): Extension {
  return { extensionType: GROUP_META_EXTENSION, extensionData: new TextEncoder().encode(JSON.stringify(meta)) };
}

export function readGroupMeta(extensions: readonly Extension[]): GroupMeta | undefined {
  const extension = extensions.find((e) => e.extensionType === GROUP_META_EXTENSION);
  if (extension === undefined) return undefined;
  try {
    const meta = JSON.parse(new TextDecoder().decode(extension.extensionData)) as Partial<GroupMeta>;
    if ((meta.kind === 'direct' || meta.kind === 'group') && typeof meta.name === 'string') return { kind: meta.kind, name: meta.name };
  } catch {
    // Not ours: treated as no metadata.
  }
  return undefined;
}

export function directMeta(a: string, b: string): GroupMeta {
  return { kind: 'direct', name: [a, b].sort().join(',') };
}

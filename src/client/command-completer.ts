import type { Completer } from 'node:readline';
import { CLIENT_HELP } from './client-commands.ts';

/** Every command word the help lists (`/msg`, `/query`…): the help is the one list. */
const COMMAND_WORDS = [...new Set(CLIENT_HELP.match(/(?<=^ {2})\/[a-z]+/gm))].sort();

/**
 * Tab completion (node:readline's completer): a command at the start of the line, `@NAME` and
 * `#GROUP` anywhere, and a bare name or `#GROUP` as a command's argument.
 */
export function commandCompleter(known: () => { names: readonly string[]; groups: readonly string[] }): Completer {
  return (line: string) => {
    const word = /\S*$/.exec(line)![0];
    const first = line.trimStart() === word;
    const { names, groups } = known();
    const hashed = groups.map((group) => `#${group}`);
    const candidates = word.startsWith('/') ? (first ? COMMAND_WORDS : [])
      : word.startsWith('@') ? names.map((name) => `@${name}`)
        : word.startsWith('#') ? hashed
          : first ? [] : [...names, ...hashed];
    return [candidates.filter((candidate) => candidate.startsWith(word)), word];
  };
}

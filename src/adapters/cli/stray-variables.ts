import { nearestName } from './nearest-name.ts';
import type { CommandSpec, OptionSpecs } from './option-spec.ts';
import { envName } from './option-spec.ts';

/**
 * Read outside the options: the client's password and key passphrase, and the test harness's
 * own, which it hands on to the servers it starts.
 */
const READ_ELSEWHERE = ['LITSXG_PASSWORD', 'LITSXG_KEY_PASSPHRASE', 'LITSXG_FIGURES_FILE', 'LITSXG_TEST_TIME_LIMIT_MS', 'LITSXG_SCREENSHOTS'];

/** A `LITSXG_*` variable nothing reads, most likely a typo of `nearest`. */
export interface StrayVariable {
  readonly variable: string;
  readonly nearest: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Issue 22: `LITSXG_PORTT` would otherwise be ignored without a word. Given every command (help's
 * list), a variable is known when any of them reads it, not only the one running: one
 * environment often serves several.
 */
export function strayVariables(env: Env, commands: readonly CommandSpec<OptionSpecs>[]): StrayVariable[] {
  const known = new Set(READ_ELSEWHERE);
  for (const command of commands) {
    if (!command.environment) continue;
    for (const [name, spec] of Object.entries(command.options)) if (spec.kind !== 'list') known.add(envName(name));
  }
  return Object.keys(env).filter((variable) => variable.startsWith('LITSXG_') && !known.has(variable)).sort()
    .map((variable) => ({ variable, nearest: nearestName(variable, known)! }));
}

export function describeStray(stray: StrayVariable): string {
  return `${stray.variable} is read by no litsxg command: did you mean ${stray.nearest}?`;
}

/**
 * The variables no command reads, for `running`: every command's specs (help's list) pull in
 * the client's code, so they are loaded only when a variable is stray for `running` itself.
 */
export async function strayVariablesFor(running: CommandSpec<OptionSpecs>, env: Env): Promise<StrayVariable[]> {
  if (strayVariables(env, [running]).length === 0) return [];
  return strayVariables(env, (await import('./help-command.ts')).COMMANDS);
}

/** For the commands that do not log JSON: one plain line a variable, once the command line was accepted. */
export async function warnStrayVariables(running: CommandSpec<OptionSpecs>, env: Env, stderr: NodeJS.WritableStream = process.stderr): Promise<void> {
  for (const stray of await strayVariablesFor(running, env)) stderr.write(`litsxg ${running.name}: ${describeStray(stray)}\n`);
}

import { spawn } from 'node:child_process';
import * as assert from 'uvu/assert';
import { LITSXG } from './server-process.ts';

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `bin/litsxg ARGS…` to its end, with `input` on standard input (a pipe, so not a
 * terminal), and returns its exit status and output. Killed after `timeoutMs`.
 */
export function runLitsxg(args: readonly string[], options: { input?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  const child = spawn(LITSXG, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, cwd: options.cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.once('close', (status) => {
      clearTimeout(killer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Exit status, and a single line on stderr (the one-line reason) with nothing on stdout. */
export function assertOneLineFailure(result: CommandResult, status: number, reason: RegExp): void {
  assert.is(result.status, status, result.stderr);
  assert.is(result.stdout, '');
  assert.ok(result.stderr.endsWith('\n') && result.stderr.split('\n').length === 2, `one line: ${JSON.stringify(result.stderr)}`);
  assert.match(result.stderr, reason);
}

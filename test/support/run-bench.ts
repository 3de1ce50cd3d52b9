import { PassThrough } from 'node:stream';
import { runBench } from '../../bench/bench.ts';

/** `bin/litsxg bench ARGV` in this process: its exit status and what it printed. */
export async function bench(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const status = await runBench(argv, { stdout, stderr });
  return { status, stdout: out.join(''), stderr: err.join('') };
}

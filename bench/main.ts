import { runBench } from './bench.ts';

// `bin/litsxg bench …` in a git checkout: the bench runs under tsx, beside the built server.
process.exitCode = await runBench(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });

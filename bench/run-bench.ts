import { runBench } from './bench.ts';

// `npm run bench` until the lead wires `bin/litsxg bench` in src/main.ts.
process.exitCode = await runBench(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });

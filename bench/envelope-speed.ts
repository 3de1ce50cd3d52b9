import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { open, seal } from '../src/client/e2e/envelope.ts';

/**
 * `npm run bench:envelopes [TEXT_BYTES]`: what end-to-end encryption costs the terminal client on
 * one core (one thread): envelopes sealed and opened per second, and the CPU per envelope.
 */
function measure(label: string, seconds: number, work: () => void): void {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let count = 0;
  while (performance.now() - started < seconds * 1000) {
    work();
    count++;
  }
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - started) / 1000;
  process.stdout.write(`${label}: ${Math.round(count / wall)} /s, ${((used.user + used.system) / count).toFixed(0)} µs CPU each\n`);
}

const textBytes = Number(process.argv[2] ?? 100);
const text = 'x'.repeat(textBytes);
const sender = ed25519.keygen();
const recipient = x25519.keygen();
const from = { name: 'alice', signingSecret: sender.secretKey };
const to = { name: 'bob', agreementPublic: recipient.publicKey };
const envelope = seal(text, from, to, Date.now());
measure('warm-up', 1, () => seal(text, from, to, Date.now()));
measure(`seal (${textBytes} bytes of text, ${envelope.length}-byte envelope)`, 3, () => seal(text, from, to, Date.now()));
measure('open (verify, then decrypt)', 3, () => open(envelope, 'alice', sender.publicKey, 'bob', recipient.secretKey, recipient.publicKey));

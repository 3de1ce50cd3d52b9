import { appendFileSync, readFileSync } from 'node:fs';

/** One measured figure of an attack, for the table `npm run test:adversarial` prints. */
export interface Figure {
  readonly attack: string;
  readonly connectionsShed?: number;
  readonly guessesPerMinute?: number;
  readonly peakRssMb?: number;
  readonly messagesLost?: number;
  readonly note?: string;
}

/** Where run-adversarial.mjs collects the figures of every test process. */
export const FIGURES_FILE_ENV = 'LITSXG_FIGURES_FILE';

export function recordFigure(figure: Figure): void {
  process.stdout.write(`  figure: ${JSON.stringify(figure)}\n`);
  const file = process.env[FIGURES_FILE_ENV];
  if (file !== undefined && file !== '') appendFileSync(file, `${JSON.stringify(figure)}\n`);
}

/** Resident and peak resident memory of a process, in MiB, from /proc (Linux). */
export function readRss(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rssMb: field('VmRSS'), hwmMb: field('VmHWM') };
}

/** Samples a process's VmRSS every `everyMs` and keeps the highest seen, and the one at start. */
export class RssMonitor {
  readonly startMb: number;
  peakMb: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs = 50) {
    this.startMb = readRss(pid).rssMb;
    this.peakMb = this.startMb;
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): number {
    try {
      const { rssMb } = readRss(this.pid);
      this.peakMb = Math.max(this.peakMb, rssMb);
      return rssMb;
    } catch {
      return Number.NaN;
    }
  }

  stop(): { startMb: number; peakMb: number } {
    clearInterval(this.timer);
    this.sample();
    return { startMb: round(this.startMb), peakMb: round(this.peakMb) };
  }
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Percentile of a sample, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

import type { ProcSample } from './proc-stats.ts';

/** The servers of one target as one: their CPU added up, the largest peak memory. */
export class ProcessGroup {
  constructor(private readonly members: readonly { sample(): ProcSample }[]) {}

  sample(): ProcSample {
    const samples = this.members.map((member) => member.sample());
    return {
      cpuSeconds: samples.reduce((sum, s) => sum + s.cpuSeconds, 0),
      rssBytes: Math.max(...samples.map((s) => s.rssBytes)),
      peakRssBytes: Math.max(...samples.map((s) => s.peakRssBytes)),
    };
  }
}

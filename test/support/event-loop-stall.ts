/** How long `work` held the event loop at most, as a 1 ms interval sees it: wall time, and the process's CPU in that stretch. */
export async function longestStall(work: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number; tookMs: number }> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let wallMs = 0;
  let cpuMs = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    if (now - last > wallMs) {
      const cpu = process.cpuUsage(lastCpu);
      wallMs = now - last;
      cpuMs = (cpu.user + cpu.system) / 1000;
    }
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);
  const started = performance.now();
  try {
    await work();
    const tookMs = performance.now() - started;
    // The stretch that ends with the work is seen at the probe's next turn.
    await new Promise((resolve) => setTimeout(resolve, 2));
    return { wallMs, cpuMs, tookMs };
  } finally {
    clearInterval(probe);
  }
}

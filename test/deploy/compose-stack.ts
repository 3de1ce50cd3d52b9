import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
/** Kept between runs: podman's settings and socket here, the stand-in base images in podman's store. */
const CACHE = '/var/tmp/litsxg-deploy';

/**
 * The compose stack on Debian's podman, serving the Docker API to Debian's docker-compose: no
 * Docker engine needed. runc (crun refuses hybrid cgroups here) and ulimits no higher than the
 * host's hard limits (no CAP_SYS_RESOURCE in this sandbox), through a containers.conf of our own.
 */
export class ComposeStack {
  private constructor(private readonly service: ChildProcess, private readonly env: NodeJS.ProcessEnv, readonly project: string) {}

  static async start(project: string): Promise<ComposeStack> {
    mkdirSync(CACHE, { recursive: true });
    const conf = join(CACHE, 'containers.conf');
    const [nofile, hardNproc] = await Promise.all(['-Hn', '-Hu'].map(async (flag) => (await exec('bash', ['-c', `ulimit ${flag}`])).stdout.trim()));
    // This sandbox also refuses an nproc limit above the highest pid.
    const nproc = Math.min(Number(hardNproc), Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')));
    writeFileSync(conf, `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]\n[engine]\nruntime = "runc"\n`);
    const socket = join(CACHE, `podman-${process.pid}.sock`);
    const env = { ...process.env, CONTAINERS_CONF: conf, DOCKER_HOST: `unix://${socket}` };
    await exec(join(root, 'test/deploy/stand-in-images.sh'), [], { env, timeout: 900_000 });
    const service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { env, stdio: 'ignore' });
    for (let waited = 0; !existsSync(socket); waited += 100) {
      if (waited > 30_000 || service.exitCode !== null) throw new Error(`podman system service did not listen on ${socket}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return new ComposeStack(service, env, project);
  }

  /** `docker-compose -p PROJECT ARGS…` from the repository root; rejects on a non-zero status. */
  async compose(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
    return this.run('docker-compose', ['-p', this.project, '-f', join(root, 'docker-compose.yml'), ...args], options);
  }

  podman(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
    return this.run('podman', args, {});
  }

  /** The container docker-compose 1.x made for a service. */
  container(service: string): string {
    return `${this.project}_${service}_1`;
  }

  async stop(): Promise<void> {
    // The images stay, so that the next run's build reuses their layers.
    await this.compose(['down', '--volumes']).catch(() => undefined);
    this.service.kill('SIGTERM');
  }

  private run(file: string, args: readonly string[], options: { input?: string; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = execFile(file, args, { cwd: root, env: this.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 2 ** 20 },
        (error, stdout, stderr) => (error === null ? resolve({ stdout, stderr })
          : reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr.slice(-2000)}`))));
      child.stdin?.end(options.input ?? '');
    });
  }
}

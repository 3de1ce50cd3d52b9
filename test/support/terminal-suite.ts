import { join } from 'node:path';
import { suite } from 'uvu';
import { PASSWORD } from './seed-operators.ts';
import { LITSXG, type RunningServer } from './server-process.ts';
import { tempDir } from './temp-dir.ts';
import { TmuxTerminal } from './tmux-terminal.ts';

export interface TerminalContext {
  server: RunningServer;
  /** A proxy between the clients and the server, stopped after the terminals. */
  proxy?: { stop(): Promise<void> };
  terminals: TmuxTerminal[];
  /** Each client's config directory (its key store) lives below this. */
  homes: { path: string; remove: () => void };
}

/** Tests of terminal clients: after each, its terminals, proxy and server are stopped and its key stores removed. */
export function terminalSuite<Context extends TerminalContext>(title: string) {
  const it = suite<Context>(title);
  it.before.each((ctx) => {
    ctx.terminals = [];
    ctx.homes = tempDir();
  });
  it.after.each(async (ctx) => {
    await Promise.all(ctx.terminals.map((t) => t.stop()));
    await ctx.proxy?.stop();
    await ctx.server?.stop();
    ctx.homes.remove();
  });
  return it;
}

/** `bin/litsxg client NAME` to `port`, in a terminal, with a key store of its own under `home`. */
export async function terminalClient(ctx: TerminalContext, name: string, home: string, port: number): Promise<TmuxTerminal> {
  const env = { TZ: 'UTC', XDG_CONFIG_HOME: join(ctx.homes.path, home), LITSXG_PASSWORD: PASSWORD };
  const terminal = await TmuxTerminal.start([LITSXG, 'client', name, '--server', `127.0.0.1:${port}`], env);
  ctx.terminals.push(terminal);
  return terminal;
}

/** A `terminalClient` to the context's server, once its conversations are up (its device logged in). */
export async function readyClient(ctx: TerminalContext, name: string, home = name): Promise<TmuxTerminal> {
  const terminal = await terminalClient(ctx, name, home, ctx.server.port);
  await terminal.waitFor('conversations ready on device', 60_000);
  return terminal;
}

/** Runs the real `leadsync` bin as a person would, and waits for what it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/leadsync.js', import.meta.url));
// The CLI tests exercise the embedded engine; a DATABASE_URL from the CI pass must not leak in.
export const CLI_ENV = { ...process.env, DATABASE_URL: '', LEADSYNC_STAFF_TOKEN: '', LOG_LEVEL: 'warn' };

export interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function run(args: string[], env: Record<string, string | undefined> = {}, nodeArgs: string[] = []): Run {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { env: { ...CLI_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Runs a command to its end: exit code and everything it printed. */
export async function runToEnd(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; output: string }> {
  const r = run(args, env);
  const code = await r.exited;
  return { code, output: r.output() };
}

export async function waitFor(r: Run, pattern: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const m = r.output().match(pattern);
    if (m) return m;
    if (r.child.exitCode !== null) throw new Error(`exited ${r.child.exitCode}:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`timed out waiting for ${pattern}:\n${r.output()}`);
}

/** Polls `check` until it returns a value (not undefined), or throws after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms: number, what: string, pollMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** A TCP port free on 127.0.0.1 right now (for a process that must be told its port up front). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

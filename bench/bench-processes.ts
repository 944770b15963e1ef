// Child processes of the HTTP-level benchmarks: servers started as real processes (each its
// own event loop, so the in-process load generator does not share theirs), waited for, and
// always stopped, even when the bench fails or is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** pino's numeric levels worth reporting after a run. */
const LEVELS: Record<string, string> = { '40': 'warn', '50': 'error', '60': 'fatal' };

export interface Child {
  name: string;
  process: ChildProcess;
  /** The last chunks it printed, so a child that fails can say why. */
  output: string[];
  /** Log lines at warn or above, by level, and the first few of them. */
  logged: Map<string, number>;
  firstProblems: string[];
}

const children = new Set<ChildProcess>();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The caller's environment minus anything that would point a child at other servers. */
export function childEnv(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('FLASHMART_') || ['DATABASE_URL', 'REDIS_URL', 'AMQP_URL', 'PORT', 'HOST', 'LOG_LEVEL'].includes(key)) delete env[key];
  }
  return { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', FLASHMART_REGISTER_RATE_PER_IP: '0', ...extra };
}

function tallyLine(child: Child, line: string): void {
  const level = /"level":(\d+)/.exec(line)?.[1];
  const name = level === undefined ? (/error|exception/i.test(line) ? 'error' : undefined) : LEVELS[level];
  if (name === undefined) return;
  child.logged.set(name, (child.logged.get(name) ?? 0) + 1);
  if (child.firstProblems.length < 3) child.firstProblems.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
}

/** Starts `node <args>` in the project folder. */
export function startChild(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { name, process: proc, output: [], logged: new Map(), firstProblems: [] };
  let partial = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    if (child.output.push(text) > 20) child.output.shift();
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) tallyLine(child, line);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return child;
}

/** SIGTERM (a graceful stop), then SIGKILL after 15 s. */
export async function stopChild(child: Child): Promise<void> {
  const proc = child.process;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Ctrl-C or a crash of the bench: no server outlives it. */
export function signalAllChildren(signal: NodeJS.Signals): void {
  for (const proc of children) proc.kill(signal);
}

/** Polls `url` until it answers 2xx; fails early when the child exits. */
export async function waitUntilAnswering(child: Child, url: string, init: RequestInit = {}, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited (${child.process.exitCode}):\n${child.output.join('')}`);
    const ok = await fetch(url, init).then(async (response) => (await response.arrayBuffer(), response.ok), () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${child.output.join('')}`);
}

/** Runs `node <args>` to completion; its exit code and everything it printed. */
export function runToEnd(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('error', reject);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(proc);
      resolve({ code, output });
    });
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { execa } from 'execa';
import { setTimeout as delay } from 'node:timers/promises';

/** How long a fresh redis-server may take to answer PING before the test gives up. */
const START_DEADLINE_MS = 10_000;
/** How long it may take to end after SIGTERM before SIGKILL. */
const STOP_DEADLINE_MS = 3_000;

export interface RedisServer {
  port: number;
  url: string;
  pid: number;
  /** Sends one command and returns its reply, as redis-cli --raw prints it. */
  command(...words: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real redis-server of this test file's own: a free loopback port (or `port`: one coming
 * back where another was), no persistence, so that BullMQ's Lua scripts and blocking commands
 * run as they do in production (a mock cannot).
 */
export async function startRedis(extra: string[] = [], port?: number): Promise<RedisServer> {
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...extra], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // with --requirepass, redis-cli authenticates first
  const auth = extra.includes('--requirepass') ? ['-a', extra[extra.indexOf('--requirepass') + 1]!, '--no-auth-warning'] : [];
  const command = (...words: string[]) => send(port, [...auth, ...words]);
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start with ${child.exitCode}`);
    if ((await command('PING').catch(() => '')).trim() === 'PONG') break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port} within ${START_DEADLINE_MS} ms`);
    }
    await delay(20);
  }
  return { port, url: `redis://127.0.0.1:${port}`, pid: child.pid!, command, stop: () => stop(child, exited) };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid!, 'SIGCONT'); // a test may have stopped it
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
  await exited;
  clearTimeout(timer);
}

/** A port nothing listens on now, from the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One command through redis-cli: its reply as redis-cli prints it (--raw). */
async function send(port: number, words: string[]): Promise<string> {
  const { stdout } = await execa('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--raw', ...words], { timeout: 5000 });
  return stdout;
}

export interface PrunWorker {
  pid: number;
  /** Resolves with its exit code once it has ended. */
  exited: Promise<number | null>;
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not ended within 5 s. */
  stop(): Promise<void>;
}

/** A `prun worker --queue URL` of the built CLI, run from the project root. */
export function startPrunWorker(bin: string, cwd: string, url: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): PrunWorker {
  const child = spawn(process.execPath, [bin, 'worker', '--queue', url, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    pid: child.pid!,
    exited,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS + 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The keys of runs left in Redis (BullMQ's own queue keys aside), once none are left or
 * `withinMs` (10 s) have passed: a job that a stall delivered twice may still be held by a
 * worker as its run ends; that worker finds the run gone and BullMQ removes the job as it completes.
 */
export async function runKeys(redis: RedisServer, withinMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = await runKeysNow(redis);
    if (left.length === 0 || Date.now() > deadline) return left;
    await delay(100);
  }
}

async function runKeysNow(redis: RedisServer): Promise<string[]> {
  const found: string[] = [];
  for (const pattern of ['prun:run:*', 'prun:results:*', 'prun:bundle:*', 'prun:serving:*', 'prun:control:*', 'prun:progress:*', 'prun:batches:????????????????-*']) {
    found.push(...(await redis.command('KEYS', pattern)).split('\n').filter((key) => key !== ''));
  }
  return found;
}

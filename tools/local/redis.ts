// The local serving store: Debian's redis-server (installed by `npm run setup`) on a free loopback
// port, in memory only (no RDB snapshots, no AOF), with a password as Memorystore has AUTH. Started
// beside the emulators by `pizzaflow local up`, the demo and the integration test platform; the
// local stack answers the program's Memorystore instance with its host, port and password.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, Socket } from 'node:net';

export const REDIS_SERVER = 'redis-server';

export interface LocalRedis {
  host: string;
  port: number;
  password: string;
  /** `redis://:<password>@127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export class RedisNotInstalledError extends Error {
  constructor() {
    super(`${REDIS_SERVER} is not installed (the local serving store); run \`npm run setup\`, which installs Debian's redis-server`);
    this.name = 'RedisNotInstalledError';
  }
}

export interface LocalRedisOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Default: a random one per start. */
  password?: string;
  /** How long to wait for PING to answer (default 10 s). */
  readyTimeoutMs?: number;
  /** The executable (tests point it elsewhere). */
  command?: string;
}

/** True when the executable runs (`redis-server --version`). */
export function redisInstalled(command = REDIS_SERVER): boolean {
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One AUTH + PING round trip in RESP; resolves true on +PONG. */
function ping(host: string, port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('+PONG')) done(true);
      else if (reply.includes('-')) done(false);
    });
    socket.connect(port, host, () => {
      const arg = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
      socket.write(`*2\r\n${arg('AUTH')}${arg(password)}*1\r\n${arg('PING')}`);
    });
  });
}

export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const command = options.command ?? REDIS_SERVER;
  if (!redisInstalled(command)) throw new RedisNotInstalledError();
  const host = '127.0.0.1';
  const port = options.port || (await freePort(host));
  const password = options.password ?? randomBytes(18).toString('base64url');
  // The password goes in on stdin as a config file ("-"), not on the command line `ps` shows.
  const child: ChildProcess = spawn(command, ['-', '--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  child.stdin!.end(`requirepass "${password}"\n`);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (;;) {
    if (exitedEarly) throw new Error(`${REDIS_SERVER} exited before answering on ${host}:${port}: ${stderr.trim() || 'no output'}`);
    if (await ping(host, port, password)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${REDIS_SERVER} did not answer PING on ${host}:${port} within ${options.readyTimeoutMs ?? 10_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host, port, password, url: `redis://:${encodeURIComponent(password)}@${host}:${port}`, close: stop };
}

// Google's own Pub/Sub emulator (gcloud component, needs java), started as a child process so the
// conformance tests and the benchmark can compare against it. Optional: callers skip when absent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const DEFAULT_PATH = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

export interface OfficialEmulator {
  url: string;
  /** The java process, for CPU accounting. */
  pid: number;
  close(): Promise<void>;
}

/** The launcher's path when it and java are installed, otherwise undefined. */
export function findOfficialEmulator(path: string = DEFAULT_PATH): string | undefined {
  if (!fs.existsSync(path)) return undefined;
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return java.status === 0 ? path : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, 'localhost', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startOfficialEmulator(launcher: string, timeoutMs = 60_000): Promise<OfficialEmulator> {
  const port = await freePort();
  const child = spawn(launcher, [`--host=localhost`, `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`official emulator not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Server started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`official emulator exited with ${code}:\n${output}`)));
  });
  child.removeAllListeners('exit');
  child.stdout!.resume();
  child.stderr!.resume();
  return { url: `localhost:${port}`, pid: child.pid!, close: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

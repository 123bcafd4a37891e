// Runs the collector exactly as deployed: its entry point bundled by tools/package (the deploy
// artifact's index.js: our code and its npm packages inlined, only the functions framework left
// installed) and started by the functions framework's own CLI in a child process, with
// FUNCTION_TARGET set as Cloud Run functions set it. The hostile tests and bench/hostile-collector
// talk to it over raw HTTP and read everything it logged.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FUNCTIONS } from '../../contracts/catalog';
import { bundle, deployedServices } from '../package/build-artifacts';

const ROOT = path.resolve(__dirname, '../..');

export interface CollectorProcess {
  url: string;
  port: number;
  pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  close(): Promise<void>;
}

/** The collector's deploy bundle (tools/package), written to a temporary folder; its path. */
export async function bundleCollector(): Promise<string> {
  const service = deployedServices().find((s) => s.name === FUNCTIONS.collector);
  if (!service) throw new Error('the catalog declares no collector function');
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pizzaflow-collector-')), 'index.js');
  await bundle(ROOT, service, outfile);
  return outfile;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startCollectorProcess(bundle: string, env: Record<string, string>): Promise<CollectorProcess> {
  const port = await freePort();
  const cli = path.join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
  const child: ChildProcess = spawn(process.execPath, [cli, `--source=${bundle}`, `--port=${port}`, '--signature-type=http'], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: path.join(ROOT, 'node_modules'),
      FUNCTION_TARGET: 'collector',
      METADATA_SERVER_DETECTION: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited (${child.exitCode}): ${out}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`collector did not listen: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    output: () => out,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): Record<string, unknown>;
}

/**
 * One request over a fresh connection. The body is written in chunks; when the server answers
 * early and closes (a refused body), the write error is ignored and the answer returned.
 */
export function send(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${options.path}`, { method: options.method ?? 'POST', headers: options.headers, agent: false });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const body = options.body ?? Buffer.alloc(0);
    const CHUNK = 1 << 20;
    let offset = 0;
    const pump = (): void => {
      while (offset < body.length) {
        const slice = body.subarray(offset, offset + CHUNK);
        offset += slice.length;
        if (!req.write(slice)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/** RSS of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : NaN;
}

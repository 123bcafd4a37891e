// The ZetaSQL analyzer that strict mode asks: `@fivetrandevelopers/zetasql` ships a native gRPC
// server (`remote_server`) and a client that is a process-wide singleton bound to one port, so one
// server per Node process is shared by every emulator in it, started on first use and stopped when
// the last user releases it. The package's own runServer() pipes the server's output to our stdout
// and returns a promise that never settles, so the binary next to its entry point is spawned here.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { type AnalyzeRequest, ZetaSQLClient } from '@fivetrandevelopers/zetasql';

export type LanguageOptionsProto = NonNullable<NonNullable<AnalyzeRequest['options']>['languageOptions']>;

export class AnalyzerUnavailableError extends Error {}

interface Shared {
  child: ChildProcess;
  client: ZetaSQLClient;
  language: LanguageOptionsProto;
  users: number;
}

let shared: Promise<Shared> | undefined;

/** Path of the server binary for this platform, or why there is none. */
export function serverBinary(): string {
  if (process.platform !== 'linux' && process.platform !== 'darwin') throw new AnalyzerUnavailableError(`ZetaSQL ships no analyzer binary for ${process.platform}`);
  if (process.arch !== 'x64' && process.arch !== 'arm64') throw new AnalyzerUnavailableError(`ZetaSQL ships no analyzer binary for ${process.arch}`);
  const name = `remote_server${process.arch === 'arm64' ? '_arm' : ''}${process.platform === 'darwin' ? '' : '.so'}`;
  const file = join(dirname(require.resolve('@fivetrandevelopers/zetasql')), 'zetasql', name);
  if (!existsSync(file)) throw new AnalyzerUnavailableError(`ZetaSQL analyzer binary not found at ${file}`);
  return file;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function launch(): Promise<Shared> {
  const bin = serverBinary();
  const port = await freePort();
  const child = spawn(bin, ['localhost', String(port)], { stdio: 'ignore' });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new AnalyzerUnavailableError(`Cannot start the ZetaSQL analyzer: ${e.message}`))));
  ZetaSQLClient.init(port);
  const client = ZetaSQLClient.getInstance();
  const up = await Promise.race([client.testConnection(), spawnError]);
  if (!up) {
    child.kill('SIGKILL');
    throw new AnalyzerUnavailableError('The ZetaSQL analyzer did not answer within 7.5 s');
  }
  const max = await client.getLanguageOptions({ maximumFeatures: true });
  // BigQuery is ZetaSQL's external product mode; an empty statement-kind list allows every kind.
  const language: LanguageOptionsProto = {
    enabledLanguageFeatures: max?.enabledLanguageFeatures ?? [],
    supportedStatementKinds: [],
    productMode: 'PRODUCT_EXTERNAL',
    nameResolutionMode: 'NAME_RESOLUTION_DEFAULT',
    reservedKeywords: max?.reservedKeywords ?? [],
  };
  return { child, client, language, users: 0 };
}

export interface Analyzer {
  client: ZetaSQLClient;
  language: LanguageOptionsProto;
  release(): Promise<void>;
}

/** Starts (or shares) the analyzer server. */
export async function acquireAnalyzer(): Promise<Analyzer> {
  shared ??= launch().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  const s = await shared;
  s.users++;
  let released = false;
  return {
    client: s.client,
    language: s.language,
    release: async () => {
      if (released) return;
      released = true;
      s.users--;
      if (s.users > 0) return;
      shared = undefined;
      const exited = new Promise<void>((resolve) => (s.child.exitCode !== null ? resolve() : s.child.once('exit', () => resolve())));
      s.child.kill('SIGKILL');
      await exited;
    },
  };
}

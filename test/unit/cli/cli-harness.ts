// The CLI tests' harness: a scratch folder per test and the command's stdout captured (stderr
// silenced), with process.exitCode reset around each test. `stdout()` is what the test wrote so far.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface CliHarness {
  /** The current test's scratch folder. */
  dir(): string;
  /** Everything written to stdout since the test began (or since `clear()`). */
  stdout(): string;
  clear(): void;
}

export function useCliHarness(prefix: string): CliHarness {
  let dir = '';
  let out: string[] = [];
  let writeOut: jest.SpyInstance | undefined;
  let writeErr: jest.SpyInstance | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    out = [];
    writeOut = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    writeErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.exitCode = undefined;
  });
  afterEach(() => {
    writeOut?.mockRestore();
    writeErr?.mockRestore();
    process.exitCode = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, stdout: () => out.join(''), clear: () => (out = []) };
}

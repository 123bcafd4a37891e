// The emulator's DuckDB never installs or loads an extension at run time (a statement reaching for
// one, as NET.HOST did through inet, would download it from the internet): the settings are off
// on every connection, sandboxed or not, and a function from a missing extension is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../../emulators/bigquery/store';

const SETTINGS = ['allow_community_extensions', 'autoinstall_known_extensions', 'autoload_known_extensions'];

describe('BigQuery emulator: no DuckDB extension at run time', () => {
  it.each([['without a sandbox', false], ['sandboxed', true]])('turns off installing and loading extensions (%s), on both connections', async (_label, sandboxed) => {
    const dir = mkdtempSync(join(tmpdir(), 'pf-ext-'));
    const store = await Store.open(undefined, sandboxed ? { sandbox: [dir] } : {});
    try {
      for (const conn of [store.conn, store.reader]) {
        const r = await conn.runAndReadAll(`SELECT name, value FROM duckdb_settings() WHERE name IN (${SETTINGS.map((s) => `'${s}'`).join(', ')}) ORDER BY name`);
        expect(r.getRows()).toEqual(SETTINGS.map((s) => [s, 'false']));
      }
      // inet is not built in: its functions are refused by name, with no download attempted.
      await expect(store.run("SELECT host(CAST('127.0.0.1' AS INET))")).rejects.toThrow(/inet extension/);
      if (!sandboxed) {
        // (The sandbox forbids reading the extension directory, so this is asked without it.)
        const inet = await store.conn.runAndReadAll("SELECT count(*) FROM duckdb_extensions() WHERE extension_name = 'inet' AND loaded");
        expect(Number(inet.getRows()[0][0])).toBe(0);
      }
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

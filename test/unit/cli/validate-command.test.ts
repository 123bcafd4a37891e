import * as fs from 'node:fs';
import * as path from 'node:path';
import { orderUpdated } from '../../../contracts/examples';
import { UsageError } from '../../../functions/runtime/errors';
import { main } from '../../../tools/cli/main';
import { useCliHarness } from './cli-harness';

const cli = useCliHarness('pf-cli-');

describe('pizzaflow validate', () => {
  it('prints {line, ok, reason, path} per line and exits 1 when a line is invalid', async () => {
    const file = path.join(cli.dir(), 'events.ndjson');
    fs.writeFileSync(file, `${JSON.stringify(orderUpdated())}\n${JSON.stringify({ ...orderUpdated(), channel: 'fax' })}\n`);
    await main(['node', 'pizzaflow', 'validate', 'online-order', file]);
    const verdicts = cli.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(verdicts[0]).toEqual({ line: 1, ok: true, reason: null, path: null });
    expect(verdicts[1]).toMatchObject({ line: 2, ok: false, path: 'channel' });
    expect(verdicts[1].reason).toContain('channel');
    expect(process.exitCode).toBe(1);
  });

  it('exits 0 when every line is valid', async () => {
    const file = path.join(cli.dir(), 'ok.ndjson');
    fs.writeFileSync(file, `${JSON.stringify(orderUpdated())}\n`);
    await main(['node', 'pizzaflow', 'validate', 'online-order', file]);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('refuses an unknown kind with a usage error listing the kinds', async () => {
    await expect(main(['node', 'pizzaflow', 'validate', 'pizza', 'x'])).rejects.toThrow(UsageError);
    await expect(main(['node', 'pizzaflow', 'validate', 'pizza', 'x'])).rejects.toThrow(/online-order/);
  });
});

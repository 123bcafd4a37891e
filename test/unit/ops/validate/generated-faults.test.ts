// The generator and `pizzaflow validate` agree: every injected fault that must be rejected is
// rejected by the validate path, naming the field the generator broke, and nothing else is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LineVerdict } from '../../../../contracts/pos-file';
import { generate } from '../../../../tools/generator';
import type { FaultRecord } from '../../../../tools/generator';
import { openMaybeGzip, validateStream, type ValidateKind } from '../../../../ops/validate/validate-file';
import { listFiles, removeDir, tempDir } from '../../generator/helpers';

let dir: string;
let faults: FaultRecord[];
const verdictsByFile = new Map<string, LineVerdict[]>();

function kindOf(file: string): ValidateKind | undefined {
  if (file.startsWith('online/')) return 'online-order';
  if (file.startsWith('deliveries/')) return 'delivery';
  if (file.startsWith('pos/')) return 'pos-file';
  return undefined;
}

beforeAll(async () => {
  dir = tempDir('faults');
  await generate({ stores: 4, hours: 24, start: '2026-11-23T00:00:00Z', seed: 11, outDir: dir, faultRate: 0.05 });
  faults = (JSON.parse(fs.readFileSync(path.join(dir, 'faults.json'), 'utf8')) as { faults: FaultRecord[] }).faults;
  for (const file of listFiles(dir)) {
    const kind = kindOf(file);
    if (!kind) continue;
    const out: LineVerdict[] = [];
    for await (const v of validateStream(kind, await openMaybeGzip(path.join(dir, file)))) out.push(v);
    verdictsByFile.set(file, out);
  }
}, 60_000);
afterAll(() => removeDir(dir));

describe('validate on generated data with faults', () => {
  it('injects every fault kind', () => {
    const kinds = new Set(faults.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(
      ['corrupt_pos_file', 'duplicate_delivery', 'late_event', 'malformed_json', 'out_of_order_status', 'reupload_identical_pos_file', 'schema_violation', 'truncated_pos_file'],
    );
  });

  it('rejects each malformed or schema-violating line, naming the field', () => {
    const rejected = faults.filter((f) => f.expected_outcome === 'rejected');
    expect(rejected.length).toBeGreaterThan(5);
    for (const fault of rejected) {
      const verdict = verdictsByFile.get(fault.file)?.find((v) => v.line === fault.line);
      expect({ fault, ok: verdict?.ok }).toEqual({ fault, ok: false });
      if (!verdict || verdict.ok) continue;
      if (fault.kind === 'malformed_json') expect(verdict.code).toBe('invalid_json');
      else expect({ fault: fault.event_id, path: verdict.path }).toEqual({ fault: fault.event_id, path: fault.field });
    }
  });

  it('fails each quarantined POS file and accepts its resend', () => {
    const quarantined = faults.filter((f) => f.expected_outcome === 'quarantined');
    expect(quarantined.length).toBeGreaterThan(0);
    for (const fault of quarantined) {
      expect({ file: fault.file, anyInvalid: verdictsByFile.get(fault.file)!.some((v) => !v.ok) }).toEqual({ file: fault.file, anyInvalid: true });
      const resend = fault.file.replace('.ndjson.gz', '-resend1.ndjson.gz');
      expect({ resend, allValid: verdictsByFile.get(resend)?.every((v) => v.ok) }).toEqual({ resend, allValid: true });
    }
  });

  it('accepts every line that is not a rejected fault (duplicates, late and out-of-order events are valid)', () => {
    const rejectedLines = new Set(faults.filter((f) => f.expected_outcome === 'rejected').map((f) => `${f.file}:${f.line}`));
    const quarantinedFiles = new Set(faults.filter((f) => f.expected_outcome === 'quarantined').map((f) => f.file));
    const unexpected: string[] = [];
    for (const [file, verdicts] of verdictsByFile) {
      if (quarantinedFiles.has(file)) continue;
      for (const v of verdicts) if (!v.ok && !rejectedLines.has(`${file}:${v.line}`)) unexpected.push(`${file}:${v.line} ${v.reason}`);
    }
    expect(unexpected).toEqual([]);
  });
});

// `pizzaflow validate <kind> <file>`: one JSON verdict per input line on stdout, a summary on
// stderr, exit code 1 when any line is invalid.
import type { Command } from 'commander';
import { UsageError } from '../../functions/runtime/errors';
import { describeKinds, isValidateKind, openMaybeGzip, validateStream } from '../../ops/validate/validate-file';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check each line of a file against a contract: one JSON verdict {line, ok, reason, path} per line')
    .argument('<kind>', 'record kind (see below)')
    .argument('<file>', 'NDJSON file, gzip or plain; - reads stdin')
    .option('--invalid-only', 'print verdicts for invalid lines only')
    .addHelpText('after', `\nKinds:\n${describeKinds()}\n\nExit codes: 0 all lines valid, 1 some line invalid, 2 usage error.`)
    .action(async (kind: string, file: string, options: { invalidOnly?: boolean }) => {
      if (!isValidateKind(kind)) throw new UsageError(`unknown kind "${kind}"; one of:\n${describeKinds()}`);
      let input;
      try {
        input = await openMaybeGzip(file);
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
      let total = 0;
      let invalid = 0;
      for await (const v of validateStream(kind, input)) {
        total += 1;
        if (!v.ok) invalid += 1;
        if (v.ok && options.invalidOnly) continue;
        const out = v.ok ? { line: v.line, ok: true, reason: null, path: null } : { line: v.line, ok: false, reason: v.reason, path: v.path };
        process.stdout.write(JSON.stringify(out) + '\n');
      }
      process.stderr.write(`${file}: ${total} lines checked as ${kind}, ${total - invalid} valid, ${invalid} invalid\n`);
      if (invalid > 0) process.exitCode = 1;
    });
}

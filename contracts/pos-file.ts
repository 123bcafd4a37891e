// Checks a POS batch file line by line, as it streams: header first, body lines against the
// contract, trailer last with the body's row count and sha256 (of each body line followed by "\n").
// Used by `pizzaflow validate pos-file` and by the POS loader, so both judge a file the same way.
import { createHash, type Hash } from 'node:crypto';
import { posBodyLine, posFileHeader, posFileTrailer, type PosFileHeader } from './pos';
import { parseJson, verdictFromZodError, type Verdict } from './verdict';

export type LineVerdict = Verdict & { line: number };

export class PosFileChecker {
  private lineNo = 0;
  private bodyRows = 0;
  private readonly hash: Hash = createHash('sha256');
  private header: PosFileHeader | undefined;
  private trailerSeen = false;
  private invalid = 0;

  /** Judges the next line of the file. */
  line(text: string): LineVerdict {
    this.lineNo += 1;
    const verdict = this.judge(text);
    if (!verdict.ok) this.invalid += 1;
    return { line: this.lineNo, ...verdict };
  }

  /** File-level verdicts once every line was seen (a missing trailer, a stream error). */
  finish(streamError?: Error): LineVerdict[] {
    const out: LineVerdict[] = [];
    const fail = (reason: string): void => {
      this.invalid += 1;
      out.push({ line: this.lineNo + 1, ok: false, code: 'schema_violation', path: null, reason });
    };
    if (streamError) fail(`file is truncated or corrupt: ${streamError.message}`);
    else if (this.lineNo === 0) fail('empty file: expected a header line');
    else if (!this.trailerSeen) fail('missing trailer line: the file is incomplete');
    return out;
  }

  get headerRecord(): PosFileHeader | undefined {
    return this.header;
  }

  get ok(): boolean {
    return this.invalid === 0 && this.trailerSeen;
  }

  private judge(text: string): Verdict {
    if (this.trailerSeen) return fail(null, 'line after the trailer');
    const parsed = parseJson(text);
    if (!parsed.ok) {
      if (this.lineNo > 1) this.addBody(text);
      return parsed.verdict;
    }
    const value = parsed.value as { record_type?: unknown } | null;
    if (this.lineNo === 1) {
      const header = posFileHeader.safeParse(value);
      if (!header.success) return prefixed('header', verdictFromZodError(header.error));
      this.header = header.data;
      return { ok: true };
    }
    if (value !== null && typeof value === 'object' && value.record_type === 'trailer') return this.judgeTrailer(value);
    this.addBody(text);
    const body = posBodyLine.safeParse(value);
    if (!body.success) return verdictFromZodError(body.error);
    if (this.header && (body.data.store_id !== this.header.store_id || body.data.merchant_id !== this.header.merchant_id)) {
      return fail('store_id', `store_id ${body.data.store_id} / merchant_id ${body.data.merchant_id} differ from the header's`);
    }
    return { ok: true };
  }

  private judgeTrailer(value: unknown): Verdict {
    this.trailerSeen = true;
    const trailer = posFileTrailer.safeParse(value);
    if (!trailer.success) return prefixed('trailer', verdictFromZodError(trailer.error));
    if (trailer.data.row_count !== this.bodyRows) {
      return fail('row_count', `trailer row_count ${trailer.data.row_count} does not match the ${this.bodyRows} body lines`);
    }
    const digest = this.hash.digest('hex');
    if (trailer.data.sha256 !== digest) return fail('sha256', `trailer sha256 does not match the body (computed ${digest})`);
    return { ok: true };
  }

  private addBody(text: string): void {
    this.bodyRows += 1;
    this.hash.update(text).update('\n');
  }
}

function fail(path: string | null, message: string): Verdict {
  return { ok: false, code: 'schema_violation', path, reason: path ? `${path}: ${message}` : message };
}

function prefixed(what: string, verdict: Verdict): Verdict {
  return verdict.ok ? verdict : { ...verdict, reason: `${what} ${verdict.reason}` };
}

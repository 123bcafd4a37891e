// Request preconditions (https://cloud.google.com/storage/docs/request-preconditions): a failed
// write precondition is 412; ifGenerationMatch=0 means "only if the object does not exist".
import { GcsError } from '../../../../emulators/storage/errors';
import { checkPreconditions, readPreconditions } from '../../../../emulators/storage/preconditions';

const live = { generation: 5n, metageneration: 2n };

function code(fn: () => void): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof GcsError) return err.code;
    throw err;
  }
}

describe('preconditions', () => {
  it('ifGenerationMatch=0 holds only when the object does not exist', () => {
    expect(code(() => checkPreconditions({ ifGenerationMatch: 0n }, undefined))).toBeUndefined();
    expect(code(() => checkPreconditions({ ifGenerationMatch: 0n }, live))).toBe(412);
  });

  it('generation and metageneration matches', () => {
    expect(code(() => checkPreconditions({ ifGenerationMatch: 5n, ifMetagenerationMatch: 2n }, live))).toBeUndefined();
    expect(code(() => checkPreconditions({ ifGenerationMatch: 4n }, live))).toBe(412);
    expect(code(() => checkPreconditions({ ifMetagenerationMatch: 1n }, live))).toBe(412);
    expect(code(() => checkPreconditions({ ifGenerationMatch: 5n }, undefined))).toBe(412);
  });

  it('NotMatch fails a write with 412 and a read with 304', () => {
    expect(code(() => checkPreconditions({ ifGenerationNotMatch: 5n }, live))).toBe(412);
    expect(code(() => checkPreconditions({ ifGenerationNotMatch: 5n }, live, 'read'))).toBe(304);
    expect(code(() => checkPreconditions({ ifMetagenerationNotMatch: 2n }, live, 'read'))).toBe(304);
    expect(code(() => checkPreconditions({ ifGenerationNotMatch: 6n }, live))).toBeUndefined();
  });

  it('reads query parameters, including the ifSource* forms, and rejects non-numbers', () => {
    const q = new URLSearchParams('ifGenerationMatch=0&ifSourceGenerationMatch=7&ifMetagenerationMatch=');
    expect(readPreconditions(q)).toEqual({ ifGenerationMatch: 0n });
    expect(readPreconditions(q, true)).toEqual({ ifGenerationMatch: 7n });
    expect(code(() => readPreconditions(new URLSearchParams('ifGenerationMatch=abc')))).toBe(400);
  });
});

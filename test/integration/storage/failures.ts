// How the official Storage client reports a refused call, for the emulator's tests.

/** The refusal's status: the error's numeric code, else the HTTP status of its response. Throws when the call succeeds. */
export async function failure(p: Promise<unknown>): Promise<number | string | undefined> {
  const e = (await refusal(p)) as { code?: number | string; response?: { status?: number } };
  return typeof e.code === 'number' ? e.code : (e.response?.status ?? e.code);
}

/** The refusal's code and message. Throws when the call succeeds. */
export async function failureWithMessage(p: Promise<unknown>): Promise<{ code?: number | string; message: string }> {
  const e = (await refusal(p)) as { code?: number | string; message: string };
  return { code: e.code, message: e.message };
}

async function refusal(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

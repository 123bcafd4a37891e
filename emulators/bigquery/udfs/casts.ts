// Casts whose BigQuery answer DuckDB's own cast does not give (conversion_functions):
// - CAST(STRING AS BOOL) (#cast_as_bool): only 'true' and 'false', in any case; DuckDB also reads
//   'yes', 'no', '1', '0', 't', 'f'. Any other value fails ("Bad bool value"), NULL under SAFE_CAST.
// - CAST(BYTES AS STRING) (#cast_as_string): the bytes read as UTF-8; invalid UTF-8 fails (NULL
//   under SAFE_CAST). DuckDB writes a BLOB as text with every non-printable byte (and the backslash)
//   as \xHH, so the rewrite hands over that text, which is read back into the bytes here.
// - CAST(TIMESTAMP | DATETIME | TIME AS STRING): BigQuery writes fractional seconds in groups of
//   three digits ('00:00:00.100', '00:00:00.000100'); DuckDB drops every trailing zero ('.1').
import { FunctionError, type JsFunction } from './register';

/** The text with its fractional seconds padded with zeros to 3 or 6 digits. */
export function secondsFractionPadded(text: string): string {
  return text.replace(/(:\d\d)\.(\d+)/, (_, s: string, f: string) => `${s}.${f.padEnd(f.length <= 3 ? 3 : f.length <= 6 ? 6 : 9, '0')}`);
}

/** STRING -> BOOL as BigQuery reads it: 'true'/'false' in any case, else undefined. */
export function stringAsBool(s: string): boolean | undefined {
  const lower = s.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** The bytes of DuckDB's text for a BLOB (printable ASCII as is, any other byte as \xHH). */
export function blobTextBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '\\' ? /^x([0-9a-fA-F]{2})/.exec(text.slice(i + 1, i + 4)) : null;
    if (hex) {
      bytes.push(parseInt(hex[1], 16));
      i += 3;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(bytes);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** BYTES -> STRING: the UTF-8 text of the bytes, or undefined when they are not valid UTF-8. */
export function bytesAsString(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export const CAST_FUNCTIONS: JsFunction[] = [
  { name: 'pf_seconds_fraction_padded', parameters: ['string'], returns: 'string', call: secondsFractionPadded },
  {
    name: 'pf_string_to_bool',
    parameters: ['string'],
    returns: 'bool',
    call: (s: string) => {
      const b = stringAsBool(s);
      if (b === undefined) throw new FunctionError(`Bad bool value: ${s}`);
      return b;
    },
  },
  { name: 'pf_safe_string_to_bool', parameters: ['string'], returns: 'bool', call: (s: string) => stringAsBool(s) },
  {
    name: 'pf_blob_text_to_string',
    parameters: ['string'],
    returns: 'string',
    call: (text: string) => {
      const s = bytesAsString(blobTextBytes(text));
      if (s === undefined) throw new FunctionError('Invalid UTF-8 string in conversion from BYTES to STRING');
      return s;
    },
  },
  { name: 'pf_safe_blob_text_to_string', parameters: ['string'], returns: 'string', call: (text: string) => bytesAsString(blobTextBytes(text)) },
];

// GoogleSQL functions answered by the emulator's own TypeScript functions (udfs/): each call is
// renamed to its registered pf_… name before translation (polyglot passes unknown calls through
// as they are). Qualified names (NET.HOST) are matched with their qualifier.
import { type Token, nextSignificant } from '../tokens';

/** GoogleSQL name (upper case, qualifier included) → registered function. */
export const JS_FUNCTIONS: Readonly<Record<string, string>> = {
  SHA512: 'pf_sha512',
  FARM_FINGERPRINT: 'pf_farm_fingerprint',
  INITCAP: 'pf_initcap',
  SAFE_CONVERT_BYTES_TO_STRING: 'pf_safe_convert_bytes_to_string',
  TO_BASE32: 'pf_to_base32',
  CHR: 'pf_chr',
  LEFT: 'pf_left',
  RIGHT: 'pf_right',
  LPAD: 'pf_lpad',
  RPAD: 'pf_rpad',
  REVERSE: 'pf_reverse',
  SPLIT: 'pf_split',
  'NET.HOST': 'pf_net_host',
  'NET.PUBLIC_SUFFIX': 'pf_net_public_suffix',
  'NET.REG_DOMAIN': 'pf_net_reg_domain',
  'NET.IP_FROM_STRING': 'pf_net_ip_from_string',
  'NET.SAFE_IP_FROM_STRING': 'pf_net_safe_ip_from_string',
  'NET.IP_TO_STRING': 'pf_net_ip_to_string',
  'NET.IP_NET_MASK': 'pf_net_ip_net_mask',
  'NET.IP_TRUNC': 'pf_net_ip_trunc',
  'NET.IPV4_FROM_INT64': 'pf_net_ipv4_from_int64',
  'NET.IPV4_TO_INT64': 'pf_net_ipv4_to_int64',
  // Macros (udfs/macros.ts) around udfs/numeric.ts: the text read exactly, as a DECIMAL; SAFE. ones NULL for bad text.
  PARSE_NUMERIC: 'pf_parse_numeric_value',
  'SAFE.PARSE_NUMERIC': 'pf_safe_parse_numeric_value',
  PARSE_BIGNUMERIC: 'pf_parse_bignumeric_value',
  'SAFE.PARSE_BIGNUMERIC': 'pf_safe_parse_bignumeric_value',
};

export function callsAsJsFunctions(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // After SAFE. the function is named as usual (markSafeCalls then wraps the call).
    const afterSafe = tokens[i - 1]?.text === '.' && tokens[i - 2]?.text.toUpperCase() === 'SAFE' && tokens[i - 3]?.text !== '.';
    if (t.kind !== 'ident' || (tokens[i - 1]?.text === '.' && !afterSafe)) {
      out.push(t);
      continue;
    }
    // NAME( or QUALIFIER.NAME(
    const qualified = tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'ident';
    const last = qualified ? i + 2 : i;
    const name = (qualified ? `${t.text}.${tokens[i + 2]!.text}` : t.text).toUpperCase();
    const target = JS_FUNCTIONS[name];
    if (target === undefined || tokens[nextSignificant(tokens, last + 1)]?.text !== '(') {
      out.push(t);
      continue;
    }
    out.push({ kind: 'ident', text: target });
    i = last;
  }
  return out;
}

// net_functions: examples of the net functions page, with the results shown there.
import { family, scalar } from './case';

const URLS = `SELECT "" AS input, "invalid input" AS description
  UNION ALL SELECT "http://abc.xyz", "standard URL"
  UNION ALL SELECT "//user:password@a.b:80/path?query", "standard URL with relative scheme, port, path and query, but no public suffix"
  UNION ALL SELECT "https://[::1]:80", "standard URL with IPv6 host"
  UNION ALL SELECT "http://例子.卷筒纸.中国", "standard URL with internationalized domain name"
  UNION ALL SELECT "    www.Example.Co.UK    ", "non-standard URL with spaces, upper case letters, and without scheme"
  UNION ALL SELECT "mailto:?to=&subject=&body=", "URI rather than URL--unsupported"`;

const URL_ROWS = [
  { input: '""', description: 'invalid input', host: 'NULL', suffix: 'NULL', domain: 'NULL' },
  { input: '"http://abc.xyz"', description: 'standard URL', host: '"abc.xyz"', suffix: '"xyz"', domain: '"abc.xyz"' },
  { input: '"//user:password@a.b:80/path?query"', description: 'standard URL with relative scheme, port, path and query, but no public suffix', host: '"a.b"', suffix: 'NULL', domain: 'NULL' },
  { input: '"https://[::1]:80"', description: 'standard URL with IPv6 host', host: '"[::1]"', suffix: 'NULL', domain: 'NULL' },
  { input: '"http://例子.卷筒纸.中国"', description: 'standard URL with internationalized domain name', host: '"例子.卷筒纸.中国"', suffix: '"中国"', domain: '"卷筒纸.中国"' },
  { input: '"    www.Example.Co.UK    "', description: 'non-standard URL with spaces, upper case letters, and without scheme', host: '"www.Example.Co.UK"', suffix: '"Co.UK"', domain: '"Example.Co.UK"' },
  { input: '"mailto:?to=&subject=&body="', description: 'URI rather than URL--unsupported', host: '"mailto"', suffix: 'NULL', domain: 'NULL' },
];

const URL_QUERY = `SELECT FORMAT("%T", input) AS input, description, FORMAT("%T", NET.HOST(input)) AS host, FORMAT("%T", NET.PUBLIC_SUFFIX(input)) AS suffix, FORMAT("%T", NET.REG_DOMAIN(input)) AS domain FROM (${URLS})`;

const ADDRESSES = `'48.49.50.51', '::1', '3031:3233:3435:3637:3839:4041:4243:4445', '::ffff:192.0.2.128'`;
const PACKED = ['b"0123"', 'b"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01"', 'b"0123456789@ABCDE"', 'b"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xff\\xff\\xc0\\x00\\x02\\x80"'];
const TEXTS = ['48.49.50.51', '::1', '3031:3233:3435:3637:3839:4041:4243:4445', '::ffff:192.0.2.128'];

export const NET_FUNCTIONS = family('net_functions', [
  ['nethost', URL_QUERY, URL_ROWS],
  ['netpublic_suffix', URL_QUERY, URL_ROWS],
  ['netreg_domain', URL_QUERY, URL_ROWS],
  [
    'netip_from_string',
    `SELECT addr_str, FORMAT("%T", NET.IP_FROM_STRING(addr_str)) AS ip_from_string FROM UNNEST([${ADDRESSES}]) AS addr_str`,
    TEXTS.map((t, k) => ({ addr_str: t, ip_from_string: PACKED[k] })),
  ],
  [
    'netsafe_ip_from_string',
    `SELECT addr_str, FORMAT("%T", NET.SAFE_IP_FROM_STRING(addr_str)) AS safe_ip_from_string FROM UNNEST([${ADDRESSES}, '48.49.50.51/32', '48.49.50', '::wxyz']) AS addr_str`,
    [
      ...TEXTS.map((t, k) => ({ addr_str: t, safe_ip_from_string: PACKED[k] })),
      { addr_str: '48.49.50.51/32', safe_ip_from_string: 'NULL' },
      { addr_str: '48.49.50', safe_ip_from_string: 'NULL' },
      { addr_str: '::wxyz', safe_ip_from_string: 'NULL' },
    ],
  ],
  [
    'netip_to_string',
    `SELECT FORMAT("%T", x) AS addr_bin, NET.IP_TO_STRING(x) AS ip_to_string FROM UNNEST([${PACKED.join(', ')}]) AS x`,
    TEXTS.map((t, k) => ({ addr_bin: PACKED[k], ip_to_string: t })),
  ],
  [
    'netip_net_mask',
    'SELECT x, y, FORMAT("%T", NET.IP_NET_MASK(x, y)) AS ip_net_mask FROM UNNEST([STRUCT(4 as x, 0 as y), (4, 20), (4, 32), (16, 0), (16, 1), (16, 128)])',
    [
      { x: 4, y: 0, ip_net_mask: 'b"\\x00\\x00\\x00\\x00"' },
      { x: 4, y: 20, ip_net_mask: 'b"\\xff\\xff\\xf0\\x00"' },
      { x: 4, y: 32, ip_net_mask: 'b"\\xff\\xff\\xff\\xff"' },
      { x: 16, y: 0, ip_net_mask: `b"${'\\x00'.repeat(16)}"` },
      { x: 16, y: 1, ip_net_mask: `b"\\x80${'\\x00'.repeat(15)}"` },
      { x: 16, y: 128, ip_net_mask: `b"${'\\xff'.repeat(16)}"` },
    ],
  ],
  [
    'netip_trunc',
    `SELECT FORMAT("%T", x) as addr_bin, prefix_length, FORMAT("%T", NET.IP_TRUNC(x, prefix_length)) AS ip_trunc FROM UNNEST([
      STRUCT(b"\\xAA\\xBB\\xCC\\xDD" as x, 0 as prefix_length), (b"\\xAA\\xBB\\xCC\\xDD", 11), (b"\\xAA\\xBB\\xCC\\xDD", 12),
      (b"\\xAA\\xBB\\xCC\\xDD", 24), (b"\\xAA\\xBB\\xCC\\xDD", 32), (b'0123456789@ABCDE', 80)])`,
    [
      { addr_bin: 'b"\\xaa\\xbb\\xcc\\xdd"', prefix_length: 0, ip_trunc: 'b"\\x00\\x00\\x00\\x00"' },
      { addr_bin: 'b"\\xaa\\xbb\\xcc\\xdd"', prefix_length: 11, ip_trunc: 'b"\\xaa\\xa0\\x00\\x00"' },
      { addr_bin: 'b"\\xaa\\xbb\\xcc\\xdd"', prefix_length: 12, ip_trunc: 'b"\\xaa\\xb0\\x00\\x00"' },
      { addr_bin: 'b"\\xaa\\xbb\\xcc\\xdd"', prefix_length: 24, ip_trunc: 'b"\\xaa\\xbb\\xcc\\x00"' },
      { addr_bin: 'b"\\xaa\\xbb\\xcc\\xdd"', prefix_length: 32, ip_trunc: 'b"\\xaa\\xbb\\xcc\\xdd"' },
      { addr_bin: 'b"0123456789@ABCDE"', prefix_length: 80, ip_trunc: 'b"0123456789\\x00\\x00\\x00\\x00\\x00\\x00"' },
    ],
  ],
  scalar('netipv4_from_int64', 'FORMAT("%T", NET.IPV4_FROM_INT64(0xABCDEF))', 'b"\\x00\\xab\\xcd\\xef"'),
  scalar('netipv4_from_int64', 'FORMAT("%T", NET.IPV4_FROM_INT64(0xFFFFFFFF))', 'b"\\xff\\xff\\xff\\xff"'),
  scalar('netipv4_from_int64', 'FORMAT("%T", NET.IPV4_FROM_INT64(-0x2))', 'b"\\xff\\xff\\xff\\xfe"'),
  [
    'netipv4_to_int64',
    'SELECT FORMAT("%T", x) AS addr_bin, FORMAT("0x%X", NET.IPV4_TO_INT64(x)) AS ipv4_to_int64 FROM UNNEST([b"\\x00\\x00\\x00\\x00", b"\\x00\\xab\\xcd\\xef", b"\\xff\\xff\\xff\\xff"]) AS x',
    [
      { addr_bin: 'b"\\x00\\x00\\x00\\x00"', ipv4_to_int64: '0x0' },
      { addr_bin: 'b"\\x00\\xab\\xcd\\xef"', ipv4_to_int64: '0xABCDEF' },
      { addr_bin: 'b"\\xff\\xff\\xff\\xff"', ipv4_to_int64: '0xFFFFFFFF' },
    ],
  ],
]);

// NET functions (udfs/net.ts): host extraction, Public Suffix List lookups and IP address bytes.
import { FunctionError } from '../../../../../emulators/bigquery/udfs/register';
import {
  ipFromString,
  ipNetMask,
  ipToString,
  ipTrunc,
  ipv4FromInt64,
  ipv4ToInt64,
  netHost,
  netPublicSuffix,
  netRegDomain,
} from '../../../../../emulators/bigquery/udfs/net';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));

describe('NET.HOST / NET.PUBLIC_SUFFIX / NET.REG_DOMAIN (net_functions#nethost)', () => {
  it("answers the page's example table", () => {
    const table: [string, string | null, string | null, string | null][] = [
      ['', null, null, null],
      ['http://abc.xyz', 'abc.xyz', 'xyz', 'abc.xyz'],
      ['//user:password@a.b:80/path?query', 'a.b', null, null],
      ['https://[::1]:80', '[::1]', null, null],
      ['http://例子.卷筒纸.中国', '例子.卷筒纸.中国', '中国', '卷筒纸.中国'],
      ['    www.Example.Co.UK    ', 'www.Example.Co.UK', 'Co.UK', 'Example.Co.UK'],
      ['mailto:?to=&subject=&body=', 'mailto', null, null],
    ];
    for (const [url, host, suffix, domain] of table) {
      expect([netHost(url), netPublicSuffix(url), netRegDomain(url)]).toEqual([host, suffix, domain]);
    }
  });

  it('keeps one trailing dot, drops leading dots, and answers NULL suffixes for adjacent dots inside the host', () => {
    expect(netHost('http://..www.google.com../x')).toBe('www.google.com.');
    expect(netPublicSuffix('www.google.com.')).toBe('com.');
    expect(netRegDomain('www.google.com.')).toBe('google.com.');
    expect(netHost('http://abc..xyz')).toBe('abc..xyz');
    expect(netPublicSuffix('http://abc..xyz')).toBeNull();
    expect(netRegDomain('http://abc..xyz')).toBeNull();
  });

  it('ignores private-section rules and applies wildcard and exception rules of the ICANN section', () => {
    expect(netPublicSuffix('foo.blogspot.com')).toBe('com');
    expect(netRegDomain('foo.blogspot.com')).toBe('blogspot.com');
    expect(netPublicSuffix('www.city.kawasaki.jp')).toBe('kawasaki.jp');
    expect(netRegDomain('www.city.kawasaki.jp')).toBe('city.kawasaki.jp');
    expect(netPublicSuffix('a.b.foo.kawasaki.jp')).toBe('foo.kawasaki.jp');
    expect(netRegDomain('co.uk')).toBeNull();
    expect(netPublicSuffix('co.uk')).toBe('co.uk');
  });

  it('answers NULL for a host whose top label is not in the list (no implicit * rule)', () => {
    expect(netPublicSuffix('localhost')).toBeNull();
    expect(netRegDomain('www.example.notatld')).toBeNull();
  });
});

describe('NET.IP_FROM_STRING / NET.IP_TO_STRING (net_functions#netip_from_string)', () => {
  it("reads the page's addresses into 4 or 16 bytes and writes them back", () => {
    const cases: [string, string][] = [
      ['48.49.50.51', '30313233'],
      ['::1', '00000000000000000000000000000001'],
      ['3031:3233:3435:3637:3839:4041:4243:4445', '30313233343536373839404142434445'],
      ['::ffff:192.0.2.128', '00000000000000000000ffffc0000280'],
    ];
    for (const [text, h] of cases) {
      expect(hex(ipFromString(text))).toBe(h);
      expect(ipToString(Buffer.from(h, 'hex'))).toBe(text);
    }
  });

  it('refuses what inet_pton refuses: prefixes, short or octal-looking IPv4, bad hex, two ::', () => {
    for (const bad of ['48.49.50.51/32', '48.49.50', '::wxyz', '01.2.3.4', '1.2.3.256', '1::2::3', ':1::', '1:2:3:4:5:6:7:8:9', ' 1.2.3.4', 'fe80::1%eth0']) {
      expect(ipFromString(bad)).toBeNull();
    }
    expect(hex(ipFromString('1:2:3:4:5:6:1.2.3.4'))).toBe('00010002000300040005000601020304');
  });

  it('writes the longest zero run as :: and fails for a length other than 4 or 16', () => {
    expect(ipToString(Buffer.from('20010db8000000000001000000000001', 'hex'))).toBe('2001:db8::1:0:0:1');
    expect(ipToString(new Uint8Array(16))).toBe('::');
    expect(ipToString(Buffer.from('00000000000000000000000001020304', 'hex'))).toBe('::1.2.3.4');
    expect(() => ipToString(bytes(1, 2, 3))).toThrow(FunctionError);
  });
});

describe('NET.IP_NET_MASK / NET.IP_TRUNC / NET.IPV4_FROM_INT64 / NET.IPV4_TO_INT64', () => {
  it("answers the page's examples", () => {
    expect(hex(ipNetMask(4n, 0n))).toBe('00000000');
    expect(hex(ipNetMask(4n, 20n))).toBe('fffff000');
    expect(hex(ipNetMask(4n, 32n))).toBe('ffffffff');
    expect(hex(ipNetMask(16n, 1n))).toBe('80000000000000000000000000000000');
    expect(hex(ipTrunc(bytes(0xaa, 0xbb, 0xcc, 0xdd), 11n))).toBe('aaa00000');
    expect(hex(ipTrunc(bytes(0xaa, 0xbb, 0xcc, 0xdd), 24n))).toBe('aabbcc00');
    expect(hex(ipTrunc(Buffer.from('0123456789@ABCDE'), 80n))).toBe('30313233343536373839000000000000');
    expect(hex(ipv4FromInt64(11259375n))).toBe('00abcdef');
    expect(hex(ipv4FromInt64(-1n))).toBe('ffffffff');
    expect(hex(ipv4FromInt64(-2n))).toBe('fffffffe');
    expect(ipv4ToInt64(bytes(0xff, 0xff, 0xff, 0xff))).toBe(0xffffffffn);
    expect(ipv4ToInt64(bytes(0, 0xab, 0xcd, 0xef))).toBe(0xabcdefn);
  });

  it('fails for a bad length or prefix with the reference messages', () => {
    expect(() => ipNetMask(1n, 0n)).toThrow('The first argument of NET.IP_NET_MASK() must be either 4 (for IPv4) or 16 (for IPv6); got 1');
    expect(() => ipNetMask(4n, 33n)).toThrow('The second argument of NET.IP_NET_MASK() must be between 0 and the first argument * 8; got 33');
    expect(() => ipTrunc(bytes(1, 2, 3), 0n)).toThrow('must have length 4 (for IPv4) or 16 (for IPv6); got 3');
    expect(() => ipTrunc(bytes(1, 2, 3, 4), 33n)).toThrow('must be between 0 and 8 * LENGTH(first argument); got 33');
    expect(() => ipv4FromInt64(0x100000000n)).toThrow('Expected range: [-0x80000000, 0xFFFFFFFF]; got 4294967296');
    expect(() => ipv4ToInt64(bytes(1, 2, 3))).toThrow('NET.IPV4_TO_INT64() encountered a non-IPv4 address. Expected 4 bytes but got 3');
  });
});

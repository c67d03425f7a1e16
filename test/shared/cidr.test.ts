import { cidrProblem, cidrSubnets, parseCidr } from '../../lib/shared/cidr';

/**
 * Fn::Cidr's arithmetic: `count` blocks of `cidrBits` host bits, carved in order from the start
 * of the block. The reference's own example: 6 blocks of /27 out of 192.168.0.0/24.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html
 */
describe('cidrSubnets (Fn::Cidr)', () => {
  test('carves the reference\'s example: 6 blocks of /27 from 192.168.0.0/24, numbers given as strings too', () => {
    const expected = ['192.168.0.0/27', '192.168.0.32/27', '192.168.0.64/27', '192.168.0.96/27', '192.168.0.128/27', '192.168.0.160/27'];
    expect(cidrSubnets('192.168.0.0/24', 6, 5)).toEqual(expected);
    expect(cidrSubnets('192.168.0.0/24', '6', '5')).toEqual(expected);
  });

  test('carves /24s from a /16 (8 bits) and /18s from a /16 (14 bits), in order from the start', () => {
    expect(cidrSubnets('10.0.0.0/16', 4, 8)).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24']);
    expect(cidrSubnets('10.0.0.0/16', 4, 14)).toEqual(['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18', '10.0.192.0/18']);
  });

  test('takes a whole block (cidrBits the block\'s own host bits) and single addresses (0 bits)', () => {
    expect(cidrSubnets('10.1.0.0/16', 1, 16)).toEqual(['10.1.0.0/16']);
    expect(cidrSubnets('10.1.0.0/30', 4, 0)).toEqual(['10.1.0.0/32', '10.1.0.1/32', '10.1.0.2/32', '10.1.0.3/32']);
  });

  test('carves IPv6 blocks, 128 - cidrBits long, written as RFC 5952 does', () => {
    expect(cidrSubnets('2001:db8:1234:1a00::/56', 3, 64)).toEqual(['2001:db8:1234:1a00::/64', '2001:db8:1234:1a01::/64', '2001:db8:1234:1a02::/64']);
    expect(cidrSubnets('2001:0DB8::/32', 1, 96)).toEqual(['2001:db8::/32']);
    expect(cidrSubnets('fd00::/126', 4, 0)).toEqual(['fd00::/128', 'fd00::1/128', 'fd00::2/128', 'fd00::3/128']);
  });

  test('refuses a count outside 1 to 256, naming the range', () => {
    expect(cidrSubnets('10.0.0.0/8', 0, 8)).toEqual({ problem: 'Fn::Cidr count 0: the valid range is 1 to 256' });
    expect(cidrSubnets('10.0.0.0/8', 257, 8)).toEqual({ problem: 'Fn::Cidr count 257: the valid range is 1 to 256' });
    expect(cidrSubnets('10.0.0.0/8', 'six', 8)).toEqual({ problem: 'Fn::Cidr count six: the valid range is 1 to 256' });
  });

  test('refuses blocks bigger than the block, and more blocks than it holds', () => {
    expect(cidrSubnets('10.0.0.0/24', 1, 9)).toEqual({ problem: 'Fn::Cidr of 10.0.0.0/24 with 9 subnet bits: a /23 does not fit in a /24' });
    expect(cidrSubnets('10.0.0.0/24', 1, 40)).toEqual({ problem: 'Fn::Cidr of 10.0.0.0/24 with 40 subnet bits: a /0 does not fit in a /24' });
    expect(cidrSubnets('10.0.0.0/24', 5, 6)).toEqual({ problem: 'Fn::Cidr of 10.0.0.0/24: 5 blocks of /26 do not fit, it holds 4' });
  });

  test('refuses what is not a block: host bits set, a bad address, a fractional number of bits', () => {
    expect(cidrSubnets('10.0.0.1/16', 2, 8)).toEqual({ problem: 'Fn::Cidr of 10.0.0.1/16, which is not a CIDR block' });
    expect(cidrSubnets('10.0.0.0', 2, 8)).toEqual({ problem: 'Fn::Cidr of 10.0.0.0, which is not a CIDR block' });
    expect(cidrSubnets('2001:db8:::/48', 2, 8)).toEqual({ problem: 'Fn::Cidr of 2001:db8:::/48, which is not a CIDR block' });
    expect(cidrSubnets('10.0.0.0/16', 2, 7.5)).toEqual({ problem: 'Fn::Cidr cidrBits 7.5 is not a whole number' });
  });
});

describe('parseCidr and cidrProblem, each block judged once and remembered', () => {
  test('asked again, they give the same answers: a block, a block with host bits, not a block', () => {
    for (let i = 0; i < 2; i++) {
      expect(parseCidr('10.1.0.0/16')).toEqual([10 * 2 ** 24 + 2 ** 16, 2 ** 16]);
      expect(parseCidr(' 10.1.0.0/16 ')).toEqual([10 * 2 ** 24 + 2 ** 16, 2 ** 16]);
      expect(parseCidr('10.1.0.1/16')).toBeUndefined();
      expect(cidrProblem('10.1.0.1/16')).toBe('has host bits set; the block starting at that address is 10.1.0.0/16');
      expect(cidrProblem('10.1.0.0/16')).toBeUndefined();
      expect(parseCidr('not a block')).toBeUndefined();
      expect(parseCidr(undefined)).toBeUndefined();
    }
  });

  test('a caller that changes the block it was given does not change what the next caller gets', () => {
    const first = parseCidr('192.168.0.0/24')!;
    first[0] = 0;
    first[1] = 1;
    expect(parseCidr('192.168.0.0/24')).toEqual([192 * 2 ** 24 + 168 * 2 ** 16, 256]);
  });
});

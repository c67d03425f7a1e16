import { Token } from 'aws-cdk-lib';
import { EndpointMode } from '../lib';

describe('EndpointMode', () => {
  test.each([
    ['public', EndpointMode.PUBLIC, true, false],
    ['public-and-private', EndpointMode.PUBLIC_AND_PRIVATE, true, true],
    ['private', EndpointMode.PRIVATE, false, true],
  ])('%s has the endpoint flags of its mode and is found by name', (name, mode, publicAccess, privateAccess) => {
    expect(mode.name).toBe(name);
    expect(mode.publicAccess).toBe(publicAccess);
    expect(mode.privateAccess).toBe(privateAccess);
    expect(mode.publicAccessCidrs).toEqual([]);
    expect(EndpointMode.of(name)).toBe(mode);
  });

  test('refuses an unknown name and lists the three valid ones', () => {
    expect(() => EndpointMode.of('privat')).toThrow(
      'EndpointMode: unknown mode "privat". Valid modes: public, public-and-private, private.',
    );
  });

  test('onlyFrom returns a new mode and leaves the constant unchanged', () => {
    const restricted = EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24', '198.51.100.7/32');
    expect(restricted).not.toBe(EndpointMode.PUBLIC_AND_PRIVATE);
    expect(restricted.publicAccessCidrs).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(restricted.privateAccess).toBe(true);
    expect(EndpointMode.PUBLIC_AND_PRIVATE.publicAccessCidrs).toEqual([]);
    expect(restricted.toString()).toBe('public-and-private (public from 203.0.113.0/24, 198.51.100.7/32)');
  });

  test('onlyFrom again adds to the list, without duplicates', () => {
    const mode = EndpointMode.PUBLIC.onlyFrom('203.0.113.0/24').onlyFrom('203.0.113.0/24', '192.0.2.0/24');
    expect(mode.publicAccessCidrs).toEqual(['203.0.113.0/24', '192.0.2.0/24']);
  });

  test('onlyFrom trims the whitespace around a deploy-time value, as around a literal block, and keeps it once', () => {
    const eip = Token.asString({ Ref: 'NatEip' });
    expect(EndpointMode.PUBLIC.onlyFrom(` ${eip}/32 `, `${eip}/32`).publicAccessCidrs).toEqual([`${eip}/32`]);
  });

  test('onlyFrom accepts deploy-time values without judging them', () => {
    const token = Token.asString({ Ref: 'OfficeCidr' });
    expect(EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(token).publicAccessCidrs).toEqual([token]);
  });

  test('refuses an allow-list on PRIVATE and points to PUBLIC_AND_PRIVATE', () => {
    expect(() => EndpointMode.PRIVATE.onlyFrom('203.0.113.0/24')).toThrow(
      /EndpointMode\.PRIVATE\.onlyFrom\("203\.0\.113\.0\/24"\): a private-only endpoint has no public allow-list\. Use EndpointMode\.PUBLIC_AND_PRIVATE\.onlyFrom/,
    );
  });

  test('refuses an empty list', () => {
    expect(() => EndpointMode.PUBLIC.onlyFrom()).toThrow(/EndpointMode\.PUBLIC\.onlyFrom\(\): the list of CIDR blocks is empty/);
  });

  test.each([
    ['10.0.0/8', /"10\.0\.0\/8" is not an IPv4 CIDR block of the form a\.b\.c\.d\/n/],
    ['203.0.113.5', /"203\.0\.113\.5" is not an IPv4 CIDR block .*\(a single address is a\.b\.c\.d\/32/],
    ['256.1.1.1/32', /"256\.1\.1\.1\/32" has an address octet above 255/],
    ['203.0.113.0/33', /"203\.0\.113\.0\/33" has prefix \/33; an IPv4 prefix is at most \/32/],
    ['2001:db8::/32', /"2001:db8::\/32" is an IPv6 block; .* IPv4 blocks only/],
    ['203.0.113.5/24', /"203\.0\.113\.5\/24" has host bits set; the block starting at that address is 203\.0\.113\.0\/24/],
  ])('refuses the bad CIDR %s with what is wrong', (cidr, message) => {
    expect(() => EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(cidr)).toThrow(message);
  });

  test.each([
    ['010.0.0.0/8', /EndpointMode\.onlyFrom\(\): "010\.0\.0\.0\/8" has a leading zero in an octet or the prefix, which some tools read as octal .*; write 10\.0\.0\.0\/8 if decimal is meant/],
    ['10.0.0.0/08', /"10\.0\.0\.0\/08" has a leading zero in an octet or the prefix.*; write 10\.0\.0\.0\/8 if decimal is meant/],
    [' 192.168.001.0/24', /" 192\.168\.001\.0\/24" has a leading zero.*; write 192\.168\.1\.0\/24 if decimal is meant/],
  ])('refuses the leading zero in %j, which some tools read as octal, and shows the decimal form', (cidr, message) => {
    expect(() => EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(cidr)).toThrow(message);
  });

  test('refuses more than 40 blocks (the EKS quota)', () => {
    const cidrs = Array.from({ length: 41 }, (_, i) => `198.51.${i}.0/24`);
    expect(() => EndpointMode.PUBLIC.onlyFrom(...cidrs)).toThrow(/41 distinct CIDR blocks given; EKS allows at most 40 per cluster.*Merge adjacent blocks/);
    expect(EndpointMode.PUBLIC.onlyFrom(...cidrs.slice(0, 40)).publicAccessCidrs).toHaveLength(40);
  });

  test('counts blocks across calls towards the quota', () => {
    const first = EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(...Array.from({ length: 30 }, (_, i) => `198.51.${i}.0/24`));
    expect(() => first.onlyFrom(...Array.from({ length: 11 }, (_, i) => `192.0.${i}.0/24`))).toThrow(/41 distinct CIDR blocks given/);
  });

  test('onlyFrom trims surrounding whitespace', () => {
    const mode = EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom(' 203.0.113.0/24', '198.51.100.7/32\n', '\t192.0.2.0/24 ');
    expect(mode.publicAccessCidrs).toEqual(['203.0.113.0/24', '198.51.100.7/32', '192.0.2.0/24']);
  });

  test('removes repeated blocks, compared once trimmed, before counting the quota', () => {
    // GIVEN 40 distinct blocks, the quota
    const cidrs = Array.from({ length: 40 }, (_, i) => `198.51.${i}.0/24`);

    // WHEN one of them is given again, as written and with whitespace, in the same call and in a later one
    const mode = EndpointMode.PUBLIC.onlyFrom(...cidrs, '198.51.0.0/24', ' 198.51.1.0/24 ').onlyFrom('198.51.2.0/24');

    // THEN each is kept once and the quota is not exceeded
    expect(mode.publicAccessCidrs).toEqual(cidrs);
  });

  test('counts each distinct deploy-time value towards the quota and keeps a repeated one once', () => {
    const office = Token.asString({ Ref: 'OfficeCidr' });
    const vpn = Token.asString({ Ref: 'VpnCidr' });
    const cidrs = Array.from({ length: 38 }, (_, i) => `198.51.${i}.0/24`);

    expect(EndpointMode.PUBLIC.onlyFrom(...cidrs, office, vpn, office).publicAccessCidrs).toEqual([...cidrs, office, vpn]);
    expect(() => EndpointMode.PUBLIC.onlyFrom(...cidrs, office, vpn, '192.0.2.0/24')).toThrow(/41 distinct CIDR blocks given/);
  });

  test('publicAccessCidrs is a copy: changing it changes neither the constant nor the mode', () => {
    // GIVEN a constant and a restricted mode
    const restricted = EndpointMode.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24');

    // WHEN a user changes the lists they read
    EndpointMode.PUBLIC.publicAccessCidrs.push('1.2.3.4/32');
    restricted.publicAccessCidrs.push('1.2.3.4/32');
    restricted.publicAccessCidrs.length = 0;

    // THEN the modes are unchanged
    expect(EndpointMode.PUBLIC.publicAccessCidrs).toEqual([]);
    expect(EndpointMode.PUBLIC.toString()).toBe('public');
    expect(restricted.publicAccessCidrs).toEqual(['203.0.113.0/24']);
    expect(restricted.onlyFrom('192.0.2.0/24').publicAccessCidrs).toEqual(['203.0.113.0/24', '192.0.2.0/24']);
  });
});

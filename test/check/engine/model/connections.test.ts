import { CLUSTER_TABLES, fuzz, ON_PREMISES, PUBLIC_AND_PRIVATE, routeToGateway, vpn } from '../../../support/templates';

/**
 * Connections (engine/model: connections): the Site-to-Site VPN as the model reads it, on every
 * kind of value.
 */

describe('the VPN reading on every kind of value where it reads one', () => {
  test('never throws, never stops, never turns a deploy-time value into an error', () => {
    const paths = [
      'VgwAttachment Properties.VpcId', 'VgwAttachment Properties.VpnGatewayId', 'Vpn Properties.VpnGatewayId', 'Vpn Properties.StaticRoutesOnly',
      'VpnRoute0 Properties.DestinationCidrBlock', 'VpnRoute0 Properties.VpnConnectionId', 'Propagation Properties.VpnGatewayId',
      'Propagation Properties.RouteTableIds', 'Propagation Properties.RouteTableIds.0',
    ];
    expect([...fuzz(() => vpn(), paths), ...fuzz(() => vpn({ mode: PUBLIC_AND_PRIVATE }), paths)]).toEqual([]);
    const routed = () => {
      const t = vpn({ propagate: false });
      routeToGateway(t, ON_PREMISES);
      return t;
    };
    expect(fuzz(routed, ['GatewayId', 'DestinationCidrBlock', 'RouteTableId'].map((p) => `${CLUSTER_TABLES[0]}ToVgw Properties.${p}`))).toEqual([]);
  });
});

import { analyze } from '../../../../lib/check/engine/analyze';
import { ClusterView } from '../../../../lib/check/engine/model';
import { CONNECTED_NETWORK_RULE } from '../../../../lib/shared/client-metadata';
import { att, base, CLUSTER_SG, CLUSTER_TABLES, clientVpc, ingress, peering, ref, route, Template } from '../../../support/templates';

/** Networks declared as connected (engine/model/connected-networks.ts, routes.ts routedToNetwork), as the ClusterView gives them. */

function view(t: Template): ClusterView {
  let found: ClusterView | undefined;
  analyze([{ id: 'Stack', template: t }], [], (cluster) => (found = cluster));
  return found!;
}

describe('connected networks on the ClusterView', () => {
  test('each block outside the VPC a 443 rule lets in, once, with the construct\'s mark and the VPC whose block it is', () => {
    const t = base();
    ingress(t, 'FromOnPrem', CLUSTER_SG, { CidrIp: '192.168.0.0/16', Description: CONNECTED_NETWORK_RULE });
    ingress(t, 'FromOnPremAgain', CLUSTER_SG, { CidrIp: '192.168.0.0/16' });
    clientVpc(t, 'ToolsVpc', '10.1.0.0/16', false);
    ingress(t, 'FromTools', CLUSTER_SG, { CidrIp: att('ToolsVpc', 'CidrBlock') });
    ingress(t, 'FromOwnVpc', CLUSTER_SG, { CidrIp: att('Vpc', 'CidrBlock') });
    const networks = view(t).connectedNetworks;
    expect(networks.map((n) => [n.cidr, n.marked, n.vpc?.display, n.routes.verdict])).toEqual([
      ['192.168.0.0/16', true, undefined, 'no route'],
      ['10.1.0.0/16', false, 'Stack/ToolsVpc', 'no route'],
    ]);
  });

  test('a block the peering to its VPC serves names that connection (ConnectedClientPath judges its routes)', () => {
    const t = base();
    clientVpc(t, 'ClientVpc', '10.1.0.0/16', false);
    peering(t);
    ingress(t, 'FromPeer', CLUSTER_SG, { CidrIp: '10.1.0.0/16' });
    const [network] = view(t).connectedNetworks;
    expect([network.connection?.kind, network.routes.verdict]).toEqual(['peering', 'routed']);
  });

  test('where the VPC\'s own block is not known, only the construct\'s mark declares a block', () => {
    const t = base();
    t.Resources.Vpc.Properties.CidrBlock = ref('VpcCidr');
    t.Parameters.VpcCidr = { Type: 'String' };
    ingress(t, 'FromSomewhere', CLUSTER_SG, { CidrIp: '172.20.0.0/16' });
    ingress(t, 'FromDeclared', CLUSTER_SG, { CidrIp: '192.168.0.0/16', Description: CONNECTED_NETWORK_RULE });
    expect(view(t).connectedNetworks.map((n) => n.cidr)).toEqual(['192.168.0.0/16']);
  });

  test('route verdicts per table: routed, partly routed, and propagation whose routes are learned at run time', () => {
    const t = base();
    ingress(t, 'FromOnPrem', CLUSTER_SG, { CidrIp: '192.168.0.0/16' });
    t.Resources.OneRoute = route(CLUSTER_TABLES[0], '192.168.0.0/16', { TransitGatewayId: 'tgw-1' });
    expect(view(t).connectedNetworks[0].routes.tables.map((r) => r.routed)).toEqual([true, false]);
    expect(view(t).connectedNetworks[0].routes.verdict).toBe('partly routed');
    t.Resources.Vgw = { Type: 'AWS::EC2::VPNGateway', Properties: { Type: 'ipsec.1' } };
    t.Resources.Propagation = { Type: 'AWS::EC2::VPNGatewayRoutePropagation', Properties: { VpnGatewayId: ref('Vgw'), RouteTableIds: [ref(CLUSTER_TABLES[1])] } };
    expect(view(t).connectedNetworks[0].routes.tables.map((r) => r.routed)).toEqual([true, 'unknown']);
    expect(view(t).connectedNetworks[0].routes.verdict).toBe('not verifiable');
  });
});

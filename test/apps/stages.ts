// A CDK Pipelines-shaped app for the real `cdk synth`: a top-level stack (where a pipeline would
// be), a Stage `Prod` whose cluster's VPC has DHCP options without the Amazon DNS server (a
// DhcpOptionsDns error), and a Stage `Prod/Canary` inside it whose public endpoint is open to
// every address (a PublicEndpointOpen warning). test/docs.test.ts runs it; the environment says
// where the check goes:
//   STAGES_CHECK  app (the default): the Aspect once, on the App; stage: on `Prod` only;
//                 both: on the App and on `Prod`; pack: the cdk-nag pack on the App instead
//   STAGES_ACK=1  the canary's warning acknowledged (Validations.of(cluster).acknowledge)
//   STAGES_FIX=1  the DHCP options fixed: the warning is all that is left
import { App, AspectPriority, Aspects, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { EndpointAccessChecks } from '../../lib/check/adapters/endpoint-access-checks';
import { PrivateResolutionCheck } from '../../lib/check/adapters/private-resolution-check';

function cluster(stack: Stack, props: { dns?: string[]; open?: boolean }): Construct {
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
  if (props.dns) {
    const options = new ec2.CfnDHCPOptions(stack, 'Dhcp', { domainNameServers: props.dns });
    new ec2.CfnVPCDHCPOptionsAssociation(stack, 'DhcpAssociation', { vpcId: vpc.ref, dhcpOptionsId: options.ref });
  }
  const subnets = ['10.0.0.0/24', '10.0.1.0/24'].map((cidrBlock, i) => new ec2.CfnSubnet(stack, `Subnet${i}`, {
    vpcId: vpc.ref, cidrBlock, availabilityZone: `eu-west-1${'ab'[i]}`,
  }));
  return new eks.CfnCluster(stack, 'Cluster', {
    roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
    resourcesVpcConfig: { subnetIds: subnets.map((s) => s.ref), endpointPublicAccess: props.open ?? false, endpointPrivateAccess: true },
  });
}

const where = process.env.STAGES_CHECK ?? 'app';
const app = new App();
new ec2.CfnVPC(new Stack(app, 'Pipeline'), 'Vpc', { cidrBlock: '10.9.0.0/16' });
const prod = new Stage(app, 'Prod');
cluster(new Stack(prod, 'Network'), { dns: process.env.STAGES_FIX ? ['AmazonProvidedDNS'] : ['10.0.0.10'] });
const canary = cluster(new Stack(new Stage(prod, 'Canary'), 'Eks'), { open: true });
if (process.env.STAGES_ACK) Validations.of(canary).acknowledge({ id: 'cdk-eks-endpoint:PublicEndpointOpen', reason: 'the canary is public by design' });
if (where === 'app' || where === 'both') Aspects.of(app).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
if (where === 'stage' || where === 'both') Aspects.of(prod).add(new PrivateResolutionCheck(), { priority: AspectPriority.READONLY });
if (where === 'pack') Validations.of(app).addPlugins(new EndpointAccessChecks(app));

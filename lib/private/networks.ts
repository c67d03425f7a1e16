import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { isToken } from './tokens';

/**
 * The VPC's primary CIDR block, literal where the app defines it (an `ec2.Vpc` renders
 * `vpcCidrBlock` as a reference to its own attribute), else as the VPC gives it.
 */
export function literalVpcCidr(vpc: ec2.IVpc): string | undefined {
  const cfnVpc = vpc.node.defaultChild;
  if (cfnVpc instanceof ec2.CfnVPC && typeof cfnVpc.cidrBlock === 'string' && !isToken(cfnVpc.cidrBlock)) {
    return cfnVpc.cidrBlock;
  }
  try {
    return vpc.vpcCidrBlock;
  } catch {
    return undefined; // imported without its CIDR block
  }
}


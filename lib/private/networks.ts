import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { renderedCidrProblem } from '../shared/cidr';
import { isToken } from './tokens';

/**
 * A list of CIDR blocks given to a prop: trimmed, each kept once, literal ones checked. Throws
 * with the prop, the bad value and the way out.
 */
export function cidrList(owner: string, prop: string, given: string[]): string[] {
  const cidrs: string[] = [];
  given.forEach((cidr, i) => {
    if (isToken(cidr)) {
      if (!cidrs.includes(cidr)) cidrs.push(cidr);
      return;
    }
    const trimmed = typeof cidr === 'string' ? cidr.trim() : cidr;
    const problem = renderedCidrProblem(trimmed);
    if (problem) {
      throw new Error(`${owner}: ${prop}[${i}] ${JSON.stringify(cidr)} ${problem}.`);
    }
    if (!cidrs.includes(trimmed)) cidrs.push(trimmed);
  });
  return cidrs;
}

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


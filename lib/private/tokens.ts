import { Token } from 'aws-cdk-lib';

/** True when the value is an unresolved CDK token (a deploy-time value). */
export function isToken(value: unknown): boolean {
  return typeof value === 'string' && Token.isUnresolved(value);
}

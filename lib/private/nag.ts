import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings that follow from a design choice of this library, each
 * with its reason. cdk-nag 3 reads these acknowledgements from construct metadata, on the
 * resource or any construct above it; the ID must match the finding exactly.
 */
export function acknowledgeNagFindings(scope: IConstruct, findings: Array<[id: string, reason: string]>): void {
  Validations.of(scope).acknowledge(...findings.map(([id, reason]) => ({ id, reason })));
}

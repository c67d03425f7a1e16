/** VPC endpoints: which service one serves. */
import { knownServiceOf } from '../../../shared/endpoint-services';
import { Resource } from '../template/template-set';
import { Text } from '../template/value';

/**
 * The service of a VPC endpoint, from the end of its service name: `com.amazonaws.<region>.ecr.api`
 * is `ecr.api`, however the name is built (`Fn::Sub` with `${AWS::Region}`, CDK's `Fn::Join`).
 * Only the literal tail counts: a name that ends in a deploy-time value is not recognised.
 */
export function endpointService(endpoint: Resource): string | undefined {
  const name = endpoint.properties.ServiceName;
  const tail = typeof name === 'string' ? name : name instanceof Text ? lastLiteral(name.parts) : undefined;
  return tail === undefined ? undefined : knownServiceOf(tail);
}

export function lastLiteral(parts: ReadonlyArray<unknown>): string | undefined {
  const last = parts[parts.length - 1];
  return typeof last === 'string' ? last : undefined;
}

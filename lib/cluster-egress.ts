/**
 * How the nodes and the bastion of an `EndpointCluster` reach AWS services and the internet.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html
 */
export enum ClusterEgress {
  /**
   * Private subnets with a NAT gateway: nodes pull images and reach AWS services over the
   * internet, through the NAT gateway's address.
   */
  NAT_GATEWAY = 'NAT_GATEWAY',

  /**
   * Isolated subnets: no NAT gateway and no route to an internet gateway. The nodes and the
   * bastion reach AWS services through VPC endpoints with private DNS (an interface endpoint
   * per service, in each AZ, and an S3 gateway endpoint), created for exactly the features
   * in use. Needs private access to the endpoint: refused with `EndpointMode.PUBLIC`.
   */
  ISOLATED = 'ISOLATED',
}

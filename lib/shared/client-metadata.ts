/**
 * The CloudFormation `Metadata` key `ClusterBastion` writes on its instance, `{ client: 'ClusterBastion' }`,
 * so that any reader of the template (the check, on this app or on files) knows it is an API client.
 */
export const CLIENT_METADATA_KEY = 'cdk-eks-endpoint';

/** The value under the key that marks a ClusterBastion. */
export const CLUSTER_BASTION_CLIENT = 'ClusterBastion';

/**
 * The description of the TCP 443 rule `EndpointCluster` adds for each `connectedCidrs` block (and
 * each connected VPC's), so that a reader of the template knows the block as a network the user
 * declared, even where the cluster VPC's own block is not known.
 */
export const CONNECTED_NETWORK_RULE = 'Kubernetes API from a connected network';

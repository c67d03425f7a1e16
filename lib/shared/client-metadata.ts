/**
 * The CloudFormation `Metadata` key `ClusterBastion` writes on its instance, `{ client: 'ClusterBastion' }`,
 * so that any reader of the template (the check, on this app or on files) knows it is an API client.
 */
export const CLIENT_METADATA_KEY = 'cdk-eks-endpoint';

/** The value under the key that marks a ClusterBastion. */
export const CLUSTER_BASTION_CLIENT = 'ClusterBastion';

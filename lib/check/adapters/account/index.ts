/** The account reader (issue 15): a running cluster or a VPC read, read-only, as a CloudFormation template the engine judges. */
export { AccountRead, accountInput, accountRead, AccountTemplate, READ_METADATA_KEY, ReadMetadata } from './account-template';
export { AccountReadError, Caller, CallerOptions, Denied, NotAnswered } from './caller';
export { READ_ACTIONS, readPolicy } from './policy';
export { readCluster, ReadClusterOptions } from './read-cluster';
export { readConnectedVpcs, readSubnetsVpcs, readVpc, readVpcs, vpcsOfSubnets } from './read-network';
export { AccountSetupError, INSTALL_LINE, SDK_PACKAGES } from './sdk';

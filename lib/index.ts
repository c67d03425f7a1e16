export * from './endpoint-mode';
export * from './cluster-egress';
export * from './cluster-compute';
export * from './endpoint-cluster';
export * from './cluster-bastion';
export * from './check/adapters/private-resolution-check';
export * from './check/adapters/endpoint-access-checks';

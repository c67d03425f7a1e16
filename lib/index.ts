export * from './endpoint-mode';
export * from './cluster-egress';
export * from './cluster-compute';
export * from './endpoint-cluster';
export * from './cluster-bastion';
export * from './check/private-resolution-check';
export * from './check/endpoint-access-checks';

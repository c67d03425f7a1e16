export * from './endpoint-mode';
export * from './endpoint-cluster';
export * from './cluster-bastion';
export * from './private-resolution-check';
export * from './endpoint-access-checks';

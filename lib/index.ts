export * from './endpoint-mode';
export * from './endpoint-cluster';
export * from './cluster-bastion';

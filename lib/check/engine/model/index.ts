/**
 * The network model: each cluster's network as the rules read it, built once from the templates.
 * network-model.ts builds it; each file holds one concern.
 */
export { Fact } from '../template/value';
export * from './views';
export * from './network-model';
export * from './security-groups';
export * from './allow-list';
export * from './endpoints';
export * from './paths';
export * from './vpcs';
export * from './connections';
export * from './forwarded-resolution';
export * from './routes';
export * from './cluster-config';
export * from './connected-networks';
export * from './client-like';

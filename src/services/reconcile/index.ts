/** The reconciliation backstop: the Reconciler and its vocabulary. */
export { Reconciler } from './reconciler';
export * from './types';

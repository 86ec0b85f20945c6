/** The reconcile activity's input and answer, named here for the reconcile workflow, which imports only types. */
export type { ReconcileMode, ReconcileOptions, ReconcileSummary } from '../services/reconcile';

export { lookupRequester } from './lookupRequester';
export { prodAccess } from './prodAccess';
export { reconcile } from './reconcile';

export { lookupRequester } from './lookupRequester';
export { prodAccess } from './prodAccess';

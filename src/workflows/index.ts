export { prodAccess } from './prodAccess';

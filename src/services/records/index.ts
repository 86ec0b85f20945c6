/** The records store: one GrantRecords over MongoDB, and the shapes it stores. */
export { GrantRecords } from './grantRecords';
export * from './model';

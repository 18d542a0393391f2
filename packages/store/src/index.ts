export { withDeadline } from './deadline.ts';
export { newId } from './ids.ts';
export { DEFAULT_STORE_TIMEOUT_MS, openStore, type StoreOptions } from './open-store.ts';
export * from './store.ts';

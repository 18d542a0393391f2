export { newId } from './ids.ts';
export { type CommitObserver, openStore, type StoreOptions } from './open-store.ts';
export * from './store.ts';

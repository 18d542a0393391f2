export * from './store.ts';
export { newId } from './ids.ts';
export { openStore } from './open-store.ts';

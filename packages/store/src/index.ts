export { newId } from './ids.ts';
export { openStore } from './open-store.ts';
export * from './store.ts';

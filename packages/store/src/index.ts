export { withDeadline } from './deadline.ts';
export {
  type EventBatch,
  type EventLog,
  EventLogHistoryLost,
  type EventLogPosition,
  type EventLogWatcher,
} from './event-log.ts';
export { newId } from './ids.ts';
export {
  type CommitObserver,
  DEFAULT_STORE_TIMEOUT_MS,
  openStore,
  type StoreOptions,
} from './open-store.ts';
export * from './store.ts';
export { wrapMethods } from './wrap-methods.ts';

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
  sqlitePathOf,
} from './open-store.ts';
export { type BackupResult, backupSqlite, restoreSqlite } from './sqlite/backup.ts';
export { backupSqliteOffThread } from './sqlite/backup-off-thread.ts';
export * from './store.ts';
export { wrapMethods } from './wrap-methods.ts';

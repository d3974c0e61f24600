export { Store, STATE_FILE } from './store.js';
export type { AnchorRepository } from './anchor-repository.js';
export type { OutboxRepository } from './outbox-repository.js';
export { StoreError } from './db.js';
export type { OutboxRow, OutboxStats, NewOutboxItem, OutboxStatus } from './outbox-repository.js';
export type { AuditEntry, NewAuditEntry } from './audit-repository.js';
export type { RunRecord, RunKind, RunStatus } from './run-repository.js';
export { acquireDataDirLock, DataDirLockedError } from './lock.js';

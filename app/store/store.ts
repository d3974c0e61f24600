/** The state store: one SQLite database, its repositories, and transactions across them. */
import { join } from 'node:path';
import { AnchorHolders } from './anchor-holders.js';
import { AnchorRepository } from './anchor-repository.js';
import { AuditRepository } from './audit-repository.js';
import { openDatabase, type Db, type Durability } from './db.js';
import { KvRepository } from './kv-repository.js';
import { OutboxRepository } from './outbox-repository.js';
import { RunRepository } from './run-repository.js';

export const STATE_FILE = 'state.sqlite';

export class Store {
  readonly anchors: AnchorRepository;
  readonly outbox: OutboxRepository;
  readonly runs: RunRepository;
  readonly audit: AuditRepository;
  readonly kv: KvRepository;
  /** Managed identities by extension and by login, for the listener's one-user plans. */
  readonly extensionHolders: AnchorHolders;
  readonly loginHolders: AnchorHolders;

  private constructor(readonly db: Db) {
    this.anchors = new AnchorRepository(db);
    this.outbox = new OutboxRepository(db);
    this.runs = new RunRepository(db);
    this.audit = new AuditRepository(db);
    this.kv = new KvRepository(db);
    this.extensionHolders = new AnchorHolders(db, 'extension');
    this.loginHolders = new AnchorHolders(db, 'login');
  }

  /** Opens `<dataDir>/state.sqlite` (or an in-memory database for `:memory:`). */
  static open(dataDirOrMemory: string, durability: Durability = 'normal'): Store {
    const path = dataDirOrMemory === ':memory:' ? ':memory:' : join(dataDirOrMemory, STATE_FILE);
    return new Store(openDatabase(path, durability));
  }

  /** Runs `fn` in one immediate transaction: all of its writes commit together or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** An online, consistent copy of the database (for App Center `store_data` and backups). */
  async backup(toFile: string): Promise<void> {
    await this.db.backup(toFile);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

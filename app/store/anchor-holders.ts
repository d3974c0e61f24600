/**
 * Who holds an extension or a login, answered from the anchor table by indexed lookups: the
 * listener plans one user at a time and must not load every anchor per event (10,000 events ×
 * 10,000 anchors would be 10^8 steps). Implements ReadonlyMap so the core's planner takes it
 * as it takes the in-memory maps of a full sync.
 */
import { ReadonlyMapView } from '../core/map-view.js';
import type { Db } from './db.js';

export interface AnchorHolder {
  readonly uuid?: string | undefined;
  readonly login: string;
  readonly dn?: string | undefined;
}

type Row = { key: string; uuid: string; login: string; dn: string };

export class AnchorHolders extends ReadonlyMapView<string, AnchorHolder> {
  private readonly one;
  private readonly all;
  private readonly countStmt;

  /** `column` is `extension` or `login` (both indexed). */
  constructor(db: Db, column: 'extension' | 'login') {
    super();
    this.one = db.prepare<[string], Row>(
      `SELECT ${column} AS key, uuid, login, dn FROM anchors WHERE ${column} = ? LIMIT 1`,
    );
    this.all = db.prepare<[], Row>(`SELECT ${column} AS key, uuid, login, dn FROM anchors WHERE ${column} IS NOT NULL`);
    this.countStmt = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM anchors WHERE ${column} IS NOT NULL`);
  }

  override get size(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  get(key: string): AnchorHolder | undefined {
    const row = this.one.get(key);
    return row === undefined ? undefined : { uuid: row.uuid, login: row.login, dn: row.dn };
  }

  has(key: string): boolean {
    return this.one.get(key) !== undefined;
  }

  *entries(): MapIterator<[string, AnchorHolder]> {
    for (const row of this.all.iterate()) yield [row.key, { uuid: row.uuid, login: row.login, dn: row.dn }];
  }
}

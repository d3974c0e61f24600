/** The anchor table: entryUUID → the pascom identity the connector manages for that user. */
import type { AnchorReader } from '../core/ports.js';
import type { Anchor, AnchorState, PascomRecord } from '../core/types.js';
import type { Db } from './db.js';

interface AnchorRow {
  uuid: string;
  login: string;
  dn: string;
  extension: string | null;
  record: string;
  tentative_from: string | null;
}

function toState(row: AnchorRow): AnchorState {
  return {
    uuid: row.uuid,
    login: row.login,
    dn: row.dn,
    extension: row.extension ?? undefined,
    record: JSON.parse(row.record) as PascomRecord,
    ...(row.tentative_from === null ? {} : { tentativeFrom: row.tentative_from }),
  };
}

export class AnchorRepository implements AnchorReader {
  private readonly selectAll;
  private readonly selectOne;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly countStmt;
  private readonly updatedStmt;
  private readonly byDnStmt;
  private readonly pageStmt;

  constructor(db: Db) {
    this.selectAll = db.prepare<[], AnchorRow>(
      'SELECT uuid, login, dn, extension, record, tentative_from FROM anchors ORDER BY login',
    );
    this.selectOne = db.prepare<[string], AnchorRow>(
      'SELECT uuid, login, dn, extension, record, tentative_from FROM anchors WHERE uuid = ?',
    );
    this.upsertStmt = db.prepare(
      `INSERT INTO anchors (uuid, login, dn, extension, record, updated_at, tentative_from)
       VALUES (@uuid, @login, @dn, @extension, @record, @at, @tentativeFrom)
       ON CONFLICT (uuid) DO UPDATE SET login = excluded.login, dn = excluded.dn,
         extension = excluded.extension, record = excluded.record, updated_at = excluded.updated_at,
         tentative_from = excluded.tentative_from`,
    );
    this.deleteStmt = db.prepare('DELETE FROM anchors WHERE uuid = ?');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM anchors');
    this.updatedStmt = db.prepare<[string], { at: number }>('SELECT updated_at AS at FROM anchors WHERE uuid = ?');
    this.byDnStmt = db.prepare<[string], { uuid: string }>('SELECT uuid FROM anchors WHERE dn = ? COLLATE NOCASE');
    this.pageStmt = db.prepare<[string, number], { uuid: string; dn: string }>(
      'SELECT uuid, dn FROM anchors WHERE uuid > ? ORDER BY uuid LIMIT ?',
    );
  }

  allAnchors(): AnchorState[] {
    return this.selectAll.all().map(toState);
  }

  /**
   * Every anchor's uuid and DN, read `chunkSize` rows at a time in uuid order: a caller that
   * looks at each once (the present-set check) never holds all 90,000 records, and no cursor
   * stays open between chunks, so the caller may write in between.
   */
  *uuidsAndDns(chunkSize = 1000): Generator<{ readonly uuid: Anchor; readonly dn: string }> {
    let after = '';
    for (;;) {
      const rows = this.pageStmt.all(after, chunkSize);
      yield* rows;
      const last = rows.at(-1);
      if (last === undefined || rows.length < chunkSize) return;
      after = last.uuid;
    }
  }

  anchor(uuid: Anchor): AnchorState | undefined {
    const row = this.selectOne.get(uuid);
    return row === undefined ? undefined : toState(row);
  }

  /** Records what was pushed; call inside the transaction that settles the outbox row. */
  save(state: AnchorState, atMs: number): void {
    this.upsertStmt.run({
      uuid: state.uuid,
      login: state.login,
      dn: state.dn,
      extension: state.extension ?? null,
      record: JSON.stringify(state.record),
      at: atMs,
      tentativeFrom: state.tentativeFrom ?? null,
    });
  }

  remove(uuid: Anchor): void {
    this.deleteStmt.run(uuid);
  }

  /** When the anchor last changed (ms), to recognise a full-sync operation planned before that. */
  updatedAt(uuid: Anchor): number | undefined {
    return this.updatedStmt.get(uuid)?.at;
  }

  /** Anchors whose last known DN is `dn`, compared case-insensitively (index anchors_dn). */
  uuidsForDn(dn: string): Anchor[] {
    return this.byDnStmt.all(dn).map((row) => row.uuid);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }
}

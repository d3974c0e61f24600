/**
 * The listener's `event` job is safe to deliver twice: a create, update, rename or delete handled
 * again — after its settlement was lost, as a second row, or after pascom's answer was lost —
 * leaves pascom and the anchor as one delivery does, against an in-memory pascom.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncRules } from '../../../../app/core/rules.js';
import { PascomNotSentError } from '../../../../app/pascom/errors.js';
import type { DirectoryUser } from '../../../../app/core/types.js';
import type { OutboxRow } from '../../../../app/store/index.js';
import { createEventHandler } from '../../../../app/sync/event-handler.js';
import { ExtensionReservations, PascomExtensionCache } from '../../../../app/sync/identity-cache.js';
import type { Settlement } from '../../../../app/sync/job.js';
import { EVENT_KIND, eventPayloadSchema, type EventPayload } from '../../../../app/sync/listener-events.js';
import { rules } from '../../core/builders.js';
import { Delivery } from './delivery.js';

const UUID = 'a1b2c3d4-0000-4000-8000-000000000002';

const RULES: SyncRules = rules();

function user(uid: string, displayName: string): DirectoryUser {
  return {
    uuid: UUID,
    dn: `uid=${uid},cn=users,dc=example,dc=intranet`,
    attributes: { uid: [uid], displayName: [displayName], telephoneNumber: ['101'] },
  };
}

const created: EventPayload['event'] = { kind: 'upsert', uuid: UUID, user: user('anna', 'Anna Berg') };
const edited: EventPayload['event'] = { kind: 'upsert', uuid: UUID, user: user('anna', 'Anna Lind') };
const renamed: EventPayload['event'] = { kind: 'upsert', uuid: UUID, user: user('anna.lind', 'Anna Berg') };
const gone: EventPayload['event'] = { kind: 'gone', uuid: UUID };

const payloadOf = (event: EventPayload['event']): EventPayload => ({ event, source: 'syncrepl', seenAt: 0 });

/**
 * The connector's state around one user: the store and pascom outlive a process; the caches and
 * reservations of a process do not (a restart starts them afresh).
 */
class World {
  readonly delivery = new Delivery();
  private reservations = new ExtensionReservations();
  private extensions = new PascomExtensionCache(this.delivery.pascom, () => RULES.roles);

  /** Handles a row as the running process would. */
  handle(row: OutboxRow): Promise<Settlement> {
    const d = this.delivery;
    const handle = createEventHandler({
      pascom: d.pascom,
      pascomExtensions: this.extensions,
      reservations: this.reservations,
      directory: { readUser: async () => undefined },
      anchors: d.store.anchors,
      extensionHolders: d.store.extensionHolders,
      loginHolders: d.store.loginHolders,
      rules: () => RULES,
      nowMs: () => d.nowMs,
    });
    return handle(eventPayloadSchema.parse(JSON.parse(row.payload)), row);
  }

  /** Records a settlement and tells the process, as the runner's 'settled' listeners do. */
  record(row: OutboxRow, settlement: Settlement): void {
    this.delivery.record(row, settlement);
    this.reservations.release(row.uuid);
    if (settlement.outcome !== 'done' || settlement.anchor === undefined) return;
    if ('save' in settlement.anchor) this.extensions.noteSaved(settlement.anchor.save);
    else if (settlement.audit?.login !== undefined) this.extensions.noteDeleted(settlement.audit.login);
  }

  /** Delivers one event completely. */
  async deliver(event: EventPayload['event']): Promise<Settlement> {
    const row = this.delivery.enqueue(EVENT_KIND, UUID, payloadOf(event));
    const settlement = await this.handle(row);
    this.record(row, settlement);
    return settlement;
  }

  /** The process stops before the row's settlement is recorded, and starts again. */
  restart(): OutboxRow {
    this.newProcess();
    return this.delivery.restart();
  }

  /** A new process with nothing in flight: its caches start empty. */
  newProcess(): void {
    this.reservations = new ExtensionReservations();
    this.extensions = new PascomExtensionCache(this.delivery.pascom, () => RULES.roles);
  }

  /** What a test compares: pascom's identities and the stored anchor. */
  state(): unknown {
    const anchor = this.delivery.anchor(UUID);
    return {
      pascom: this.delivery.pascom.identities(),
      anchor: anchor && { login: anchor.login, record: anchor.record },
    };
  }

  writes(): number {
    const p = this.delivery.pascom;
    return p.count('POST') + p.count('PUT') + p.count('DELETE');
  }
}

let worlds: World[] = [];
afterEach(() => {
  for (const w of worlds) w.delivery.close();
  worlds = [];
});

/** A world in which `history` was delivered, one event after the other. */
async function worldAfter(...history: EventPayload['event'][]): Promise<World> {
  const w = new World();
  worlds.push(w);
  for (const event of history) await w.deliver(event);
  return w;
}

/** The history before each change: a create starts from nothing, the others from a synced user. */
const CHANGES = [
  ['create', [], created],
  ['update', [created], edited],
  ['rename', [created], renamed],
  ['delete', [created], gone],
] as const;

describe('event job delivered again after its settlement was lost (a restart in between)', () => {
  it.each(CHANGES)('leaves pascom and the anchor as one delivery of a %s does', async (_name, history, event) => {
    const once = await worldAfter(...history, event);
    const twice = await worldAfter(...history);
    const first = twice.delivery.enqueue(EVENT_KIND, UUID, payloadOf(event));
    await twice.handle(first);
    const again = twice.restart();
    twice.record(again, await twice.handle(again));
    expect(twice.state()).toEqual(once.state());
  });

  it('creates the identity with one POST only', async () => {
    const w = await worldAfter();
    const first = w.delivery.enqueue(EVENT_KIND, UUID, payloadOf(created));
    await w.handle(first);
    const again = w.restart();
    w.record(again, await w.handle(again));
    expect(w.delivery.pascom.count('POST')).toBe(1);
  });
});

describe('event job delivered again after it was settled (a second row with the same change)', () => {
  it.each(CHANGES)('sends nothing more to pascom for a repeated %s', async (_name, history, event) => {
    const w = await worldAfter(...history, event);
    const writesBefore = w.writes();
    const settlement = await w.deliver(event);
    expect([settlement, w.writes() - writesBefore]).toEqual([{ outcome: 'done' }, 0]);
  });
});

describe('event job whose answer from pascom was lost', () => {
  it('remembers a create whose answer was lost as tentative and retries it', async () => {
    const w = await worldAfter();
    w.delivery.pascom.loseAnswerOf('POST');
    const settlement = await w.deliver(created);
    expect([settlement.outcome, w.delivery.anchor(UUID)?.tentativeFrom]).toEqual(['retry', '']);
  });

  it('adopts what a create whose answer was lost left in pascom, without a second POST', async () => {
    const once = await worldAfter(created);
    const w = await worldAfter();
    w.delivery.pascom.loseAnswerOf('POST');
    await w.deliver(created);
    const again = w.delivery.retry();
    const settlement = await w.handle(again);
    w.record(again, settlement);
    expect([w.state(), w.delivery.pascom.count('POST'), w.delivery.lastAudit()?.detail]).toEqual([
      once.state(),
      1,
      'pascom had applied the earlier request whose answer was lost',
    ]);
  });

  it('adopts a rename whose answer was lost under the new login, without creating anything', async () => {
    const once = await worldAfter(created, renamed);
    const w = await worldAfter(created);
    w.delivery.pascom.loseAnswerOf('PUT');
    await w.deliver(renamed);
    const again = w.delivery.retry();
    w.record(again, await w.handle(again));
    expect([w.state(), w.delivery.pascom.count('POST')]).toEqual([once.state(), 1]);
  });

  it('settles a delete whose answer was lost as done once it is retried', async () => {
    const w = await worldAfter(created);
    w.delivery.pascom.loseAnswerOf('DELETE');
    await w.deliver(gone);
    const again = w.delivery.retry();
    const settlement = await w.handle(again);
    w.record(again, settlement);
    expect([settlement.outcome, w.state()]).toEqual(['done', { pascom: [], anchor: undefined }]);
  });
});

describe('event job deleting an identity that is already gone', () => {
  it('settles as done, forgets the anchor and notes that the identity was already gone', async () => {
    const w = await worldAfter(created);
    await w.delivery.pascom.deleteIdentity('anna');
    const settlement = await w.deliver(gone);
    expect([settlement.outcome, w.delivery.anchor(UUID), w.delivery.lastAudit()?.detail]).toEqual([
      'done',
      undefined,
      'left-filter; was already gone',
    ]);
  });
});

describe("pascom's number list is read only when a plan needs it", () => {
  it('reads no list for an edit of a user who keeps their number (every user of a refresh)', async () => {
    const w = await worldAfter(created);
    w.newProcess(); // nothing cached, as after a restart
    const lists = w.delivery.pascom.count('LIST');
    expect((await w.deliver(edited)).outcome).toBe('done');
    expect(w.delivery.pascom.count('PUT')).toBe(1);
    expect(w.delivery.pascom.count('LIST')).toBe(lists);
  });

  it('reads the list for a new user, whose number must not be taken in pascom', async () => {
    const w = await worldAfter();
    expect((await w.deliver(created)).outcome).toBe('done');
    expect(w.delivery.pascom.count('LIST')).toBe(1);
  });
});

describe('event job whose request was never sent (the connector stopped while it waited its turn)', () => {
  it.each(CHANGES)(
    'leaves no tentative anchor for a %s and delivers it once after the restart',
    async (_name, history, event) => {
      const once = await worldAfter(...history, event);
      const w = await worldAfter(...history);
      const anchorBefore = w.delivery.anchor(UUID);
      w.delivery.pascom.failNextCall(new PascomNotSentError());
      const settlement = await w.deliver(event);
      const anchorAfterStop = w.delivery.anchor(UUID);
      w.newProcess();
      const again = w.delivery.retry();
      w.record(again, await w.handle(again));
      expect([settlement.outcome, anchorAfterStop, again.attempts, w.state()]).toEqual([
        'release',
        anchorBefore,
        1,
        once.state(),
      ]);
    },
  );
});

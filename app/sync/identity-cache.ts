/**
 * The extensions pascom's identities hold, for the listener's one-user plans: a new user drawing
 * from the pool must not get a number an identity outside the connector's care already has. The
 * list is read lazily, follows the connector's own writes, and is read again when a conflict
 * shows it is stale, so a burst of events does not list pascom once per event.
 */
import type { PascomPort } from '../core/ports.js';
import type { AnchorState } from '../core/types.js';
import { ReadonlyMapView } from '../core/map-view.js';
import type { FieldRoles } from '../core/rules.js';

export interface Holder {
  readonly uuid?: string | undefined;
  readonly login: string;
  readonly dn?: string | undefined;
}

export class PascomExtensionCache {
  private byExtension: Map<string, Holder> | undefined;
  /** login → extension, to forget a deleted identity's number without a scan. */
  private byLogin = new Map<string, string>();
  private loading: Promise<Map<string, Holder>> | undefined;

  constructor(
    private readonly pascom: Pick<PascomPort, 'forEachIdentity'>,
    private readonly roles: () => FieldRoles,
  ) {}

  /** Extension → holder login, as pascom listed it last (kept in step with the connector's own writes). */
  async extensions(): Promise<ReadonlyMap<string, Holder>> {
    if (this.byExtension !== undefined) return this.byExtension;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The list as last read, when it is at hand (no read of pascom). */
  cached(): ReadonlyMap<string, Holder> | undefined {
    return this.byExtension;
  }

  /** A conflict proved the list stale: the next lookup reads pascom again. */
  invalidate(): void {
    this.byExtension = undefined;
  }

  /**
   * The connector itself saved an identity (a settled create, update or rename): the list
   * follows, so the number is held by the login pascom has now, and a number the identity
   * gave up is free again.
   */
  noteSaved(saved: AnchorState): void {
    const map = this.byExtension;
    if (map === undefined) return;
    this.forget(map, saved.login);
    const number = saved.record[this.roles().extension] ?? saved.extension;
    if (number === undefined || number === '') return;
    const previous = map.get(number);
    if (previous !== undefined) this.byLogin.delete(previous.login);
    map.set(number, { login: saved.login });
    this.byLogin.set(saved.login, number);
  }

  /** The connector deleted the identity `login`: its number is free again. */
  noteDeleted(login: string): void {
    if (this.byExtension !== undefined) this.forget(this.byExtension, login);
  }

  private forget(map: Map<string, Holder>, login: string): void {
    const number = this.byLogin.get(login);
    if (number !== undefined && map.get(number)?.login === login) map.delete(number);
    this.byLogin.delete(login);
  }

  private async load(): Promise<Map<string, Holder>> {
    const { extension, login } = this.roles();
    const map = new Map<string, Holder>();
    const byLogin = new Map<string, string>();
    // Two fields of each identity are kept; the rest of a 90,000-identity list is never held at once.
    await this.pascom.forEachIdentity((identity) => {
      const number = identity[extension];
      const holder = identity[login];
      if (number === undefined || holder === undefined) return;
      map.set(number, { login: holder });
      byLogin.set(holder, number);
    });
    this.byExtension = map;
    this.byLogin = byLogin;
    return map;
  }
}

/** Looks in `first`, then in `second`: the managed holders win over pascom's list. */
export class UnionHolders extends ReadonlyMapView<string, Holder> {
  constructor(
    private readonly first: ReadonlyMap<string, Holder>,
    private readonly second: ReadonlyMap<string, Holder>,
  ) {
    super();
  }

  get(key: string): Holder | undefined {
    return this.first.get(key) ?? this.second.get(key);
  }

  has(key: string): boolean {
    return this.first.has(key) || this.second.has(key);
  }

  *entries(): MapIterator<[string, Holder]> {
    yield* this.first.entries();
    for (const [key, value] of this.second.entries()) if (!this.first.has(key)) yield [key, value];
  }
}

/**
 * Extensions handed out by listener plans whose delivery has not settled yet. Events of
 * different users are planned concurrently; without this, two new users could both draw the
 * same free pool number before either is stored. Released when the row settles.
 */
export class ExtensionReservations extends ReadonlyMapView<string, Holder> {
  private readonly byExtension = new Map<string, Holder & { readonly uuid: string }>();

  reserve(extension: string, holder: Holder & { readonly uuid: string }): void {
    this.byExtension.set(extension, holder);
  }

  release(uuid: string): void {
    for (const [extension, holder] of this.byExtension) if (holder.uuid === uuid) this.byExtension.delete(extension);
  }

  get(key: string): Holder | undefined {
    return this.byExtension.get(key);
  }

  has(key: string): boolean {
    return this.byExtension.has(key);
  }

  entries(): MapIterator<[string, Holder]> {
    return this.byExtension.entries();
  }
}

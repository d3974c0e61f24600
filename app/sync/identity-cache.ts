/**
 * The extensions pascom's identities hold, for the listener's one-user plans: a new user drawing
 * from the pool must not get a number an identity outside the connector's care already has. The
 * list is read lazily and read again after a conflict shows it is stale, so a burst of events
 * does not list pascom once per event.
 */
import type { PascomPort } from '../core/ports.js';
import { ReadonlyMapView } from '../core/map-view.js';
import type { FieldRoles } from '../core/rules.js';

export interface Holder {
  readonly uuid?: string | undefined;
  readonly login: string;
  readonly dn?: string | undefined;
}

export class PascomExtensionCache {
  private byExtension: Map<string, Holder> | undefined;
  private loading: Promise<Map<string, Holder>> | undefined;

  constructor(
    private readonly pascom: Pick<PascomPort, 'listIdentities'>,
    private readonly roles: () => FieldRoles,
  ) {}

  /** Extension → holder login, as pascom listed it last. */
  async extensions(): Promise<ReadonlyMap<string, Holder>> {
    if (this.byExtension !== undefined) return this.byExtension;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** A conflict proved the list stale: the next lookup reads pascom again. */
  invalidate(): void {
    this.byExtension = undefined;
  }

  private async load(): Promise<Map<string, Holder>> {
    const { extension, login } = this.roles();
    const map = new Map<string, Holder>();
    for (const identity of await this.pascom.listIdentities()) {
      const number = identity[extension];
      const holder = identity[login];
      if (number !== undefined && holder !== undefined) map.set(number, { login: holder });
    }
    this.byExtension = map;
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

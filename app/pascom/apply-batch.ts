/**
 * The optional apply step (`pascom.api.paths.apply`): some pascom instances take REST writes into
 * effect only after an explicit apply. Writes in flight together form a batch; when the last of
 * them has answered, one `POST …/apply` follows, and each write resolves only then, so the outbox
 * settles a change only once it took effect. A failed apply fails the writes of its batch (the
 * outbox retries them; the handlers converge). A steady stream of writes is cut into batches of
 * at most MAX_BATCH so the apply is never postponed for ever.
 */
const MAX_BATCH = 50;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class ApplyBatch {
  private writing = 0;
  private waiters: Waiter[] = [];
  private applying = false;

  constructor(private readonly apply: () => Promise<void>) {}

  async write<T>(send: () => Promise<T>): Promise<T> {
    this.writing++;
    let result: T;
    try {
      result = await send();
    } catch (error) {
      this.writing--;
      // The failed write was perhaps the last one the batch waited for.
      this.maybeApply();
      throw error;
    }
    this.writing--;
    await new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.maybeApply();
    });
    return result;
  }

  private maybeApply(): void {
    if (this.applying || this.waiters.length === 0) return;
    if (this.writing > 0 && this.waiters.length < MAX_BATCH) return;
    const batch = this.waiters;
    this.waiters = [];
    this.applying = true;
    this.apply().then(
      () => this.done(batch, undefined, false),
      (error: unknown) => this.done(batch, error, true),
    );
  }

  private done(batch: readonly Waiter[], error: unknown, failed: boolean): void {
    this.applying = false;
    for (const waiter of batch) {
      if (failed) waiter.reject(error);
      else waiter.resolve();
    }
    this.maybeApply();
  }
}

/** One-time use of SSO tokens: token ids remembered until they expire, in memory, bounded. */
export class JtiStore {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly nowSec: () => number,
    private readonly maxEntries = 100_000,
  ) {}

  /** Records `jti` until `expSec`; false when it was already recorded (a replay). */
  remember(jti: string, expSec: number): boolean {
    this.sweep();
    if (this.seen.has(jti)) return false;
    // Full: refuse rather than forget a live id (forgetting would allow a replay).
    if (this.seen.size >= this.maxEntries) return false;
    this.seen.set(jti, expSec);
    return true;
  }

  private sweep(): void {
    const now = this.nowSec();
    for (const [jti, exp] of this.seen) if (exp < now) this.seen.delete(jti);
  }
}

/**
 * A value to suggest for `extensions.phonePrefix`, learnt from the directory itself: numbers
 * written with a direct-dial suffix (`+49 441 12345-10006`) show the company's base number
 * before the `-`. A number without one (`+49 441 12345 10167`) that starts with such a base
 * gets it as the suggestion in its notice, so the fix is one copy and paste.
 */
import { dashSuffix, matchPrefix, dialForm, parsePhonePrefix, type PhonePrefix } from './phone-number.js';

/** Bases seen fewer times than this are a single user's oddity, not the company's number. */
const MIN_USERS = 2;
/** Only the most frequent bases are tried, so a directory of unrelated numbers stays O(n). */
const MAX_BASES = 20;
/** An area code alone (`0441-123456`) is no company base number: those have area code and number. */
const MIN_BASE_DIGITS = 6;

export class PrefixSuggester {
  /** What stands before a direct-dial suffix, as written, and how many numbers show it. */
  private readonly written = new Map<string, number>();
  private ranked: PhonePrefix[] | undefined;

  /** One user's phone number: cheap, as it runs for every user; the bases are read when first asked for. */
  observe(phone: string): void {
    if (dashSuffix(phone) === undefined) return;
    const base = phone.slice(0, phone.lastIndexOf('-'));
    this.written.set(base, (this.written.get(base) ?? 0) + 1);
    this.ranked = undefined;
  }

  /** Different notations of one base (`+49 441 12345`, `+49 (0)441 12345`) counted together. */
  private counts(): Map<string, { text: string; count: number }> {
    const counts = new Map<string, { text: string; count: number }>();
    for (const [written, count] of this.written) {
      const text = written.trim().replace(/[\s\-/.]+$/, '');
      const form = dialForm(text);
      if (form === undefined || form.digits.length < MIN_BASE_DIGITS) continue;
      const key = `${form.international ? '+' : ''}${form.digits}`;
      const entry = counts.get(key);
      if (entry === undefined) counts.set(key, { text, count });
      else {
        entry.count += count;
        // Suggest the plainest of the notations seen: `+49 441 12345` rather than `+49 (0)441 12345`.
        if (text.length < entry.text.length) entry.text = text;
      }
    }
    return counts;
  }

  /** The most common base `phone` starts with, as written by the directory; `''` when none. */
  suggest(phone: string): string {
    const form = dialForm(phone);
    if (form === undefined) return '';
    return matchPrefix(form, this.bases())?.prefix.text ?? '';
  }

  private bases(): PhonePrefix[] {
    if (this.ranked !== undefined) return this.ranked;
    const frequent = [...this.counts().values()]
      .filter((entry) => entry.count >= MIN_USERS)
      .sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1))
      .slice(0, MAX_BASES);
    const ranked: PhonePrefix[] = [];
    for (const entry of frequent) {
      const parsed = parsePhonePrefix(entry.text);
      if (parsed.ok) ranked.push(parsed.prefix);
    }
    this.ranked = ranked;
    return ranked;
  }
}

/** Dates, durations and numbers in the page's language. */
import type { Lang, Translate } from '../i18n/index.js';

export interface Formatters {
  /** `12 Mar 2025, 14:03:07` / `12.03.2025, 14:03:07`; the "never" text for undefined. */
  dateTime(ms: number | null | undefined): string;
  time(ms: number): string;
  /** 850 → `850 ms`, 12 000 → `12 s`, 180 000 → `3 min`. */
  duration(ms: number | null | undefined): string;
  number(n: number): string;
}

export function formatters(lang: Lang, t: Translate): Formatters {
  const locale = lang === 'de' ? 'de-DE' : 'en-GB';
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const number = new Intl.NumberFormat(locale);
  return {
    dateTime: (ms) => (ms === null || ms === undefined ? t('common.never') : dateTime.format(ms)),
    time: (ms) => time.format(ms),
    duration: (ms) => {
      if (ms === null || ms === undefined) return t('common.none');
      if (ms < 1000) return t('common.ms', { ms: Math.round(ms) });
      if (ms < 120_000) return t('common.seconds', { s: Math.round(ms / 1000) });
      if (ms < 7_200_000) return t('common.minutes', { m: Math.round(ms / 60_000) });
      return t('common.hours', { h: Math.round(ms / 3_600_000) });
    },
    number: (n) => number.format(n),
  };
}

/**
 * Watches the LDAP filters the app sends (every single-entry search goes through ldapts'
 * `Client.search`), and decodes RFC 4515 escapes with an implementation of its own, so a test
 * can check what slapd was asked without trusting the app's escaper.
 */
import { Client } from 'ldapts';
import { vi } from 'vitest';

export interface FilterSpy {
  /** Filters sent since the last `clear()`. */
  readonly filters: string[];
  clear(): void;
  restore(): void;
}

export function spyOnLdapFilters(): FilterSpy {
  const filters: string[] = [];
  const original = Client.prototype.search;
  const spy = vi.spyOn(Client.prototype, 'search').mockImplementation(function (
    this: Client,
    ...args: Parameters<Client['search']>
  ) {
    const filter = args[1]?.filter;
    if (typeof filter === 'string') filters.push(filter);
    return original.apply(this, args);
  });
  return {
    filters,
    clear: () => filters.splice(0),
    restore: () => spy.mockRestore(),
  };
}

/** The value of the first `(attr=value)` component: a well-escaped value holds no `(`, `)` or `*`. */
export function equalityValue(filter: string, attribute: string): string | undefined {
  return new RegExp(`\\(${attribute}=([^()]*)\\)`, 'i').exec(filter)?.[1];
}

/** `\XX` escapes back to the bytes they stand for (RFC 4515 §3); other characters as UTF-8. */
export function unescapeFilterValue(value: string): string {
  const chars = [...value];
  const bytes: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const hex = chars[i] === '\\' ? `${chars[i + 1] ?? ''}${chars[i + 2] ?? ''}` : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(chars[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

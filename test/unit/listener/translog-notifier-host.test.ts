import { describe, expect, it } from 'vitest';
import { notifierHost } from '../../../listener/index.js';

describe('notifierHost', () => {
  it.each([
    ['ldap://ucs-primary.example.intranet:7389', 'ucs-primary.example.intranet'],
    ['ldaps://10.200.7.10', '10.200.7.10'],
    ['ldap://[fd00::7]:389', 'fd00::7'],
  ])('takes the notifier host of %s from ucs.url: %s', (url, host) => {
    expect(notifierHost(url)).toBe(host);
  });
});

import { describe, expect, it } from 'vitest';
import { describeStoreError, storageFailureOf } from '../../../app/store/store-errors.js';

const sqlite = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('describeStoreError', () => {
  it.each([
    ['SQLITE_FULL', 'database or disk is full', /disk holding the data directory is full: free space there \(\/data\)/],
    ['SQLITE_IOERR_WRITE', 'disk I/O error', /reported an I\/O error/],
    ['SQLITE_READONLY', 'attempt to write a readonly database', /read-only: check the owner and mode/],
  ])('names the cause and what to do for %s', (code, message, expected) => {
    const text = describeStoreError(sqlite(code, message), '/data');
    expect(text).toMatch(expected);
    expect(text).toContain(message);
    expect(text).toContain('retries by itself');
  });

  it('passes other failures on as they are, without advice it cannot back', () => {
    expect(describeStoreError(new Error('no such table: outbox'), '/data')).toBe(
      'the state database failed: no such table: outbox',
    );
    expect(storageFailureOf(sqlite('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed'))).toBeUndefined();
  });
});

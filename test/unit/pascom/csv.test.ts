import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvColumns, parseCsvRecords, parseCsvRows, toCsv } from '../../../app/pascom/csv.js';

describe('toCsv()', () => {
  it('writes a header and one line per record, every field quoted, missing values empty', () => {
    const csv = toCsv(
      ['003use_name', '003use_bez', '009ext_extension'],
      [
        { '003use_name': 'jdoe', '003use_bez': 'John Doe', '009ext_extension': '10006' },
        { '003use_name': 'amy', '003use_bez': 'Amy' },
      ],
    );
    expect(csv).toBe('"003use_name","003use_bez","009ext_extension"\n"jdoe","John Doe","10006"\n"amy","Amy",""\n');
  });

  it('doubles quotes and keeps delimiters and line breaks inside a value', () => {
    const record = { '003use_name': 'x', '003use_bez': 'Doe, "Jo"\nSecond line' };
    const csv = toCsv(['003use_name', '003use_bez'], [record]);
    expect(csv).toContain('"Doe, ""Jo""\nSecond line"');
    expect(parseCsvRecords(csv).records).toEqual([record]);
  });
});

describe('csvColumns()', () => {
  it('takes the mapping order first, then other fields sorted', () => {
    expect(csvColumns(['b', 'a'], [{ a: '1', z: '2', c: '3' }])).toEqual(['b', 'a', 'c', 'z']);
  });
});

describe('parseCsvRows()', () => {
  it('reads unquoted fields, CRLF and LF line ends, and skips blank lines', () => {
    expect(parseCsvRows('a,b\r\n1,2\n\n3,"4"\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('reads a last line without a line end', () => {
    expect(parseCsvRows('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('refuses an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsvRows('a\n"open')).toThrow(CsvSyntaxError);
    expect(() => parseCsvRows('"a"x,b\n')).toThrow(/text after a closing quote/);
  });
});

describe('parseCsvRecords()', () => {
  it('refuses a row whose field count differs from the header', () => {
    expect(() => parseCsvRecords('a,b\n1\n')).toThrow(/line 2: 1 fields, the header names 2/);
  });

  it('round-trips what toCsv wrote, umlauts included', () => {
    const records = [{ '003use_name': 'joerg', '003use_bez': 'Jörg Müller', '028pho_mobile': '+49 170 1234' }];
    const columns = csvColumns(['003use_name', '003use_bez'], records);
    expect(parseCsvRecords(toCsv(columns, records))).toEqual({ columns, records });
  });
});

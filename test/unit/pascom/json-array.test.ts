/** pascom's long identity list, parsed a batch at a time: the same result as JSON.parse, or a clear refusal. */
import { describe, expect, it } from 'vitest';
import { JsonArrayError, JsonArrayReader } from '../../../app/pascom/json-array.js';

/** The batches the reader hands over for `text`, fed in chunks cut at the given byte offsets. */
function batches(text: string, size: number, cuts: readonly number[] = []): unknown[][] {
  const seen: unknown[][] = [];
  const reader = new JsonArrayReader((items) => seen.push(items), size);
  const bytes = Buffer.from(text, 'utf8');
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(from, cut));
    from = cut;
  }
  reader.end();
  return seen;
}

function refusalOf(text: string, size = 2): JsonArrayError {
  try {
    batches(text, size);
  } catch (error) {
    expect(error).toBeInstanceOf(JsonArrayError);
    return error as JsonArrayError;
  }
  throw new Error(`accepted ${text}`);
}

const refusal = (text: string, size = 2): string => refusalOf(text, size).message;

describe('forEachJsonArrayBatch', () => {
  it('hands over the elements in batches of the given size, in order', () => {
    expect(batches('[1,2,3,4,5]', 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('ends on a full batch without an empty one after it', () => {
    expect(batches('[1,2,3,4]', 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('reads an empty array, also with whitespace, as no batch', () => {
    expect([batches('[]', 2), batches(' \n[ \t]\r\n', 2)]).toEqual([[], []]);
  });

  it('keeps nested objects, arrays and the brackets, braces, commas and quotes inside strings', () => {
    const identities = [
      { '003use_name': 'jürgen.müller', post: { phonebook: [{ '028pho_phone': '+49 (89) 1234-0, ext. 5' }] } },
      { '003use_name': 'o"brien', '003use_bez': 'a \\ b ] } [ {', nested: [[1, [2]], {}] },
      { '003use_name': 'zoë', '003use_bez': 'Zoë Ünal 日本 \u2028' },
    ];
    const text = JSON.stringify(identities, null, 2);
    expect(batches(text, 1).flat()).toEqual(identities);
    expect(batches(text, 2).flat()).toEqual(JSON.parse(text));
  });

  it('gives the same elements wherever the answer is cut into chunks, also inside a character', () => {
    const identities = [
      { '003use_name': 'joerg', '003use_bez': 'Jörg "Jö" Müller, [Vertrieb]' },
      { '003use_name': 'zoe', post: { phonebook: [{ '028pho_homephone': '+49 441 12345-0' }] }, note: 'a\\}' },
      { '003use_name': 'kenji', '003use_bez': '日本 \u2028' },
    ];
    const text = JSON.stringify(identities);
    const length = Buffer.byteLength(text);
    for (let cut = 0; cut <= length; cut++) {
      expect(batches(text, 2, [cut]).flat(), `cut at byte ${cut}`).toEqual(identities);
    }
    const everyByte = Array.from({ length }, (_, i) => i);
    expect(batches(text, 1, everyByte).flat()).toEqual(identities);
  });

  it('tells an answer of only whitespace (an empty one) from one that began', () => {
    const reader = new JsonArrayReader(() => undefined);
    reader.push(Buffer.from(' \r\n'));
    expect(reader.started).toBe(false);
    reader.push(Buffer.from('['));
    expect(reader.started).toBe(true);
  });

  it('refuses a body that is not an array, and says it is none rather than a broken one', () => {
    for (const text of ['{"error":"x"}', '', '<html>login</html>']) {
      const error = refusalOf(text);
      expect([error.notAnArray, error.message]).toEqual([true, 'not a JSON array']);
    }
    expect(refusalOf('[1').notAnArray).toBe(false);
  });

  it('refuses an array that was cut off, inside an element or between elements', () => {
    expect(refusal('[{"a":1},{"a":')).toMatch(/cut off/);
    expect(refusal('[1,2,3')).toMatch(/cut off/);
    expect(refusal('["a]"')).toMatch(/cut off/);
  });

  it('refuses missing elements that a batch boundary would hide', () => {
    expect(refusal('[1,]', 1)).toMatch(/missing/);
    expect(refusal('[1,,2]', 1)).toMatch(/missing/);
    expect(refusal('[1,2,]', 2)).toMatch(/missing/);
    expect(refusal('[1,]', 100)).toBe('an element of the array is not JSON');
  });

  it('refuses text after the array and mismatched brackets', () => {
    expect(refusal('[1] 2')).toMatch(/text after/);
    expect(refusal('[1}')).toMatch(/ends with/);
    expect(refusal('[{"a":[1}]]')).toBe('an element of the array is not JSON');
  });

  it('refuses an element that is not JSON without quoting it (names and numbers stay out of the log)', () => {
    expect(refusal("[{'name':'Jürgen Müller'}]")).toBe('an element of the array is not JSON');
  });
});

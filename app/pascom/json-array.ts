/**
 * The elements of a JSON array arriving as UTF-8 chunks, parsed a batch at a time.
 *
 * pascom answers its identity list as one array: 90,000 identities are about 30 MB. Collecting the
 * answer, decoding it to one string and `JSON.parse`-ing it holds the chunks, the joined bytes, the
 * text and every parsed identity at once — about 85 MB more RSS at the peak, measured, of which
 * about 45 MB stayed with the process after the collector ran — while the listener keeps two
 * fields of each identity. Read as it arrives, only the current batch is held.
 *
 * Splitting without decoding is safe: JSON's structural characters are ASCII, and UTF-8 never
 * uses a byte below 0x80 inside a multi-byte character, so a batch boundary (a comma) never cuts
 * a character; a chunk boundary may, which is why a batch is decoded only once it is whole. Each
 * batch goes through `JSON.parse`, so what is accepted is exactly JSON; the scan adds the checks
 * `JSON.parse` would have made on the parts it never sees (the brackets, the commas between
 * batches, nothing after the end).
 */

export class JsonArrayError extends Error {
  /** The text is no array at all (an HTML page, an error object), rather than a broken one. */
  readonly notAnArray: boolean;

  constructor(message: string, notAnArray = false) {
    super(message);
    this.notAnArray = notAnArray;
  }
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Feed the chunks with `push`, then call `end`; every method may throw JsonArrayError. */
export class JsonArrayReader {
  private where: 'before' | 'inside' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current batch's bytes from earlier chunks. */
  private carried: Buffer[] = [];
  private elements = 0;
  private sawComma = false;

  constructor(
    private readonly onBatch: (items: unknown[]) => void,
    private readonly batchSize = 1_000,
  ) {}

  /** Something other than whitespace arrived (an answer of only whitespace is an empty one). */
  get started(): boolean {
    return this.where !== 'before';
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let at = 0; at < chunk.length; at++) {
      const byte = chunk[at];
      if (this.where !== 'inside') {
        if (isWhitespace(byte)) continue;
        if (this.where === 'after') throw new JsonArrayError('text after the array');
        if (byte !== OPEN_BRACKET) throw new JsonArrayError('not a JSON array', true);
        this.where = 'inside';
        this.depth = 1;
        start = at + 1;
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (--this.depth > 0) continue;
        if (byte !== CLOSE_BRACKET) throw new JsonArrayError('the array ends with "}"');
        this.flush(chunk.subarray(start, at), true);
        this.where = 'after';
      } else if (byte === COMMA && this.depth === 1) {
        this.sawComma = true;
        if (++this.elements % this.batchSize !== 0) continue;
        this.flush(chunk.subarray(start, at), false);
        start = at + 1;
      }
    }
    if (this.where === 'inside') this.carried.push(chunk.subarray(start));
  }

  /** The answer is complete: throws when the array did not end (or never began). */
  end(): void {
    if (this.where === 'before') throw new JsonArrayError('not a JSON array', true);
    if (this.where === 'inside') throw new JsonArrayError('the array does not end (the answer was cut off)');
  }

  private flush(tail: Buffer, last: boolean): void {
    const bytes = this.carried.length === 0 ? tail : Buffer.concat([...this.carried, tail]);
    this.carried = [];
    const text = bytes.toString('utf8');
    if (text.trim() === '') {
      // "[]" is empty; "[1,]", "[1,,2]" and "[,]" are not JSON.
      if (!last || this.sawComma) throw new JsonArrayError('an element of the array is missing');
      return;
    }
    let items: unknown;
    try {
      items = JSON.parse(`[${text}]`);
    } catch {
      // JSON.parse's message quotes the text: identities' names and numbers, not for a log.
      throw new JsonArrayError('an element of the array is not JSON');
    }
    this.onBatch(items as unknown[]);
  }
}

/**
 * An INI reader as strict as Python's `configparser.RawConfigParser()` (strict=True), which the
 * App Center uses for `ini` and `settings` (docs/appcenter-rules.md INI-01, SET-01): a duplicate
 * section or key, a line before the first section, a line without `=`/`:` or a stray indented
 * line is an error. Keys compare case-insensitively (configparser lower-cases them), sections
 * case-sensitively. Continuation lines (indented) join the value with "\n".
 */
export class IniError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'IniError';
  }
}

export interface IniEntry {
  /** The key as written. */
  readonly key: string;
  value: string;
  readonly line: number;
}

/** Section name → lower-cased key → entry. */
export type Ini = Map<string, Map<string, IniEntry>>;

const SECTION = /^\[([^\]]+)\]\s*$/;
const OPTION = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/;

export function parseStrictIni(text: string): Ini {
  const ini: Ini = new Map();
  let section: Map<string, IniEntry> | undefined;
  let last: IniEntry | undefined;
  text.split('\n').forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\r$/, '');
    // Blank and comment lines are skipped, also inside a multi-line value (as configparser does).
    if (line.trim() === '' || /^\s*[#;]/.test(line)) return;
    if (/^\s/.test(line)) {
      if (last === undefined) throw new IniError('indented line without a key before it', lineNo);
      last.value = last.value === '' ? line.trim() : `${last.value}\n${line.trim()}`;
      return;
    }
    const header = SECTION.exec(line);
    if (header !== null) {
      const name = header[1] ?? '';
      if (ini.has(name)) throw new IniError(`duplicate section [${name}]`, lineNo);
      section = new Map();
      ini.set(name, section);
      last = undefined;
      return;
    }
    if (section === undefined) throw new IniError('key before the first [section]', lineNo);
    const option = OPTION.exec(line);
    if (option === null) throw new IniError(`not "key = value": ${line}`, lineNo);
    const key = (option[1] ?? '').trim();
    if (section.has(key.toLowerCase())) throw new IniError(`duplicate key ${key}`, lineNo);
    last = { key, value: (option[2] ?? '').trim(), line: lineNo };
    section.set(key.toLowerCase(), last);
  });
  return ini;
}

/** A section's value for a key (case-insensitive), or undefined. */
export function iniValue(ini: Ini, section: string, key: string): string | undefined {
  return ini.get(section)?.get(key.toLowerCase())?.value;
}

/** Comma-separated list as the App Center splits it (`\,` escapes a comma). */
export function iniList(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(/(?<!\\),/)
    .map((item) => item.replace(/\\,/g, ',').trim())
    .filter((item) => item !== '');
}

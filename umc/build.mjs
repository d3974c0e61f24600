#!/usr/bin/env node
/**
 * Builds the UMC module into umc/dist (or --out DIR), the layout the join script copies onto
 * the UCS host (appcenter/inst):
 *
 *   pascomconnector.xml                      module definition
 *   i18n/de/pascomconnector.mo               German name and description (from umc/de.po)
 *   python/pascomconnector/__init__.py       backend (token command)
 *   js/pascomconnector.js                    front end: umc/src/pascomconnector.ts as an AMD module
 *   js/i18n/de/pascomconnector.json          front end translations
 *   icons/scalable/pascomconnector.svg       module icon
 *
 * The TypeScript is type-checked with the rest of the repository (tsconfig.json includes
 * umc/src); here it is only transpiled. It holds a single `define(...)` call and type-only
 * imports, so plain ES output is exactly the AMD module UMC's loader expects.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import console from 'node:console';
import process from 'node:process';
import { Buffer } from 'node:buffer';
import ts from 'typescript';

const UMC_DIR = dirname(fileURLToPath(import.meta.url));
const MODULE = 'pascomconnector';

/** True when the script's only statement is `define(...)` (top-level names would be page globals). */
export function isSingleDefineCall(js) {
  const { statements } = ts.createSourceFile('module.js', js, ts.ScriptTarget.ES2017, false, ts.ScriptKind.JS);
  const [only] = statements;
  return (
    statements.length === 1 &&
    ts.isExpressionStatement(only) &&
    ts.isCallExpression(only.expression) &&
    ts.isIdentifier(only.expression.expression) &&
    only.expression.expression.text === 'define'
  );
}

/** The front end as an AMD module: ES2017, not strict (dojo's inherited() reads arguments.callee). */
export function transpileFrontEnd(source) {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2017,
      alwaysStrict: false,
      removeComments: false,
    },
  });
  const js = outputText.replace(/^export \{\};\s*$/m, '').trimEnd() + '\n';
  if (!isSingleDefineCall(js)) {
    throw new Error(
      'umc/src/pascomconnector.ts must compile to one define(...) call: type-only imports, nothing else at top level',
    );
  }
  return js;
}

function unquote(line) {
  const body = line.trim().replace(/^"|"$/g, '');
  return body.replace(/\\(["\\nt])/g, (_, c) => ({ n: '\n', t: '\t', '"': '"', '\\': '\\' })[c]);
}

/** A gettext .po file's entries (msgid → msgstr), multi-line strings joined. */
export function parsePo(text) {
  const entries = new Map();
  let current;
  let field;
  const flush = () => {
    if (current !== undefined && current.msgstr !== '') entries.set(current.msgid, current.msgstr);
  };
  for (const line of text.split('\n')) {
    const keyword = /^(msgid|msgstr)\s+(".*")\s*$/.exec(line);
    if (keyword !== null && keyword[1] === 'msgid') {
      flush();
      current = { msgid: unquote(keyword[2]), msgstr: '' };
      field = 'msgid';
    } else if (keyword !== null && current !== undefined) {
      current.msgstr = unquote(keyword[2]);
      field = 'msgstr';
    } else if (/^\s*"/.test(line) && current !== undefined && field !== undefined) {
      current[field] += unquote(line);
    }
  }
  flush();
  return entries;
}

/** GNU .mo (little endian, no hash table): what gettext and Python's gettext read. */
export function buildMo(entries) {
  const keys = [...entries.keys()].sort();
  const originals = keys.map((key) => Buffer.from(key, 'utf8'));
  const translations = keys.map((key) => Buffer.from(entries.get(key), 'utf8'));
  const headerSize = 28;
  const tablesSize = 16 * keys.length;
  let offset = headerSize + tablesSize;
  const table = Buffer.alloc(tablesSize);
  const strings = [];
  [originals, translations].forEach((list, which) => {
    list.forEach((bytes, index) => {
      table.writeUInt32LE(bytes.length, which * 8 * keys.length + index * 8);
      table.writeUInt32LE(offset, which * 8 * keys.length + index * 8 + 4);
      strings.push(bytes, Buffer.alloc(1));
      offset += bytes.length + 1;
    });
  });
  const header = Buffer.alloc(headerSize);
  [0x950412de, 0, keys.length, headerSize, headerSize + 8 * keys.length, 0, headerSize + tablesSize].forEach(
    (value, index) => header.writeUInt32LE(value, index * 4),
  );
  return Buffer.concat([header, table, ...strings]);
}

function put(out, relative, content) {
  const target = join(out, relative);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}

function copy(out, from, to) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(UMC_DIR, from), join(out, to));
}

export function buildUmc(out = join(UMC_DIR, 'dist')) {
  copy(out, `${MODULE}.xml`, `${MODULE}.xml`);
  copy(out, `python/${MODULE}/__init__.py`, `python/${MODULE}/__init__.py`);
  copy(out, `i18n/de/${MODULE}.json`, `js/i18n/de/${MODULE}.json`);
  copy(out, `icons/scalable/${MODULE}.svg`, `icons/scalable/${MODULE}.svg`);
  put(out, `i18n/de/${MODULE}.mo`, buildMo(parsePo(readFileSync(join(UMC_DIR, 'de.po'), 'utf8'))));
  put(out, `js/${MODULE}.js`, transpileFrontEnd(readFileSync(join(UMC_DIR, 'src', `${MODULE}.ts`), 'utf8')));
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--out');
  const out = at === -1 ? undefined : resolve(process.argv[at + 1] ?? '');
  console.log(`UMC module built in ${buildUmc(out)}`);
}

/**
 * Keeps the admin documentation in docs/ honest: every config key is documented, every error
 * message used as a troubleshooting heading is still emitted by the code, and links resolve.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_CATALOG } from '../../app/config/schema.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = join(ROOT, 'docs');
const DOC_FILES = [
  'install.md',
  'install.de.md',
  'operation.md',
  'troubleshooting.md',
  'pascom-api.md',
  'architecture.md',
  'configuration.md',
];
/** Where messages come from: the app, the listener, the UMC module's backend, the App Center scripts. */
const SOURCE_DIRS = ['app', 'listener', 'umc/python', 'umc/src', 'appcenter'];
const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.mjs', '.js', '.py', '.sh', '.ejs', '']);
const PLACEHOLDER = '<…>';
const MIN_FRAGMENT = 3;
const MIN_LONGEST_FRAGMENT = 8;

function readDoc(name: string): string {
  return readFileSync(join(DOCS, name), 'utf8');
}

/** The text outside fenced code blocks, where `#` starts a shell comment, not a heading. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');
}

function headings(markdown: string): Array<{ level: number; text: string }> {
  return [...prose(markdown).matchAll(/^(#{1,6}) (.+)$/gm)].map((match) => ({
    level: match[1]?.length ?? 0,
    text: match[2] ?? '',
  }));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to "-", duplicates numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { text } of headings(markdown)) {
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Relative link targets (`file.md#anchor`, `#anchor`) outside code blocks and code spans. */
function relativeLinks(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path);
    return SOURCE_EXTENSIONS.has(extname(name)) ? [path] : [];
  });
}

const SOURCES = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));

/** `### \`message <…> text\`` headings of troubleshooting.md. */
function messageHeadings(): string[] {
  return headings(readDoc('troubleshooting.md'))
    .filter((heading) => heading.level === 3)
    .map((heading) => /^`(.+)`$/.exec(heading.text)?.[1])
    .filter((message): message is string => message !== undefined);
}

function fragmentsOf(message: string): string[] {
  return message
    .split(PLACEHOLDER)
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment.length >= MIN_FRAGMENT);
}

/** Every documented config key, written as the page writes it: `ucs.url`, `mapping[].field`, `dataDir`. */
const DOCUMENTED_KEYS = Object.entries(KEY_CATALOG).flatMap(([section, keys]) =>
  keys.map((key) => (section === '' ? key : `${section}.${key}`)),
);

describe('docs/', () => {
  it.each(DOC_FILES)('%s exists with a title and several sections', (name) => {
    expect(existsSync(join(DOCS, name))).toBe(true);
    const text = readDoc(name);
    expect(text.length).toBeGreaterThan(3000);
    expect(text.startsWith('# ')).toBe(true);
    expect(headings(text).filter((heading) => heading.level === 2).length).toBeGreaterThanOrEqual(3);
  });

  it('install.de.md has the same sections as install.md', () => {
    const shape = (name: string): number[] => headings(readDoc(name)).map((heading) => heading.level);
    expect(shape('install.de.md')).toEqual(shape('install.md'));
  });
});

describe('docs/configuration.md', () => {
  const table = readDoc('configuration.md');

  it('covers every section of the schema', () => {
    expect(DOCUMENTED_KEYS.length).toBeGreaterThan(40);
  });

  it.each(DOCUMENTED_KEYS)('documents %s in a table row', (key) => {
    expect(table).toContain(`| \`${key}\` |`);
  });
});

describe('docs/troubleshooting.md', () => {
  const messages = messageHeadings();

  it('is keyed by many literal messages', () => {
    expect(messages.length).toBeGreaterThan(60);
  });

  it.each(messages)('"%s" is still emitted by the code', (message) => {
    const fragments = fragmentsOf(message);
    expect(Math.max(0, ...fragments.map((fragment) => fragment.length))).toBeGreaterThanOrEqual(MIN_LONGEST_FRAGMENT);
    const emitters = SOURCES.filter((source) => fragments.every((fragment) => source.text.includes(fragment)));
    expect(
      emitters.map((source) => source.path),
      `no file under ${SOURCE_DIRS.join(', ')} contains all of ${JSON.stringify(fragments)}`,
    ).not.toEqual([]);
  });
});

describe('links between the docs', () => {
  const links = DOC_FILES.flatMap((name) => relativeLinks(readDoc(name)).map((target) => ({ name, target })));

  it('finds links to check', () => {
    expect(links.length).toBeGreaterThan(20);
  });

  it.each(links)('$name → $target resolves', ({ name, target }) => {
    const [file = '', anchor] = target.split('#');
    const path = file === '' ? join(DOCS, name) : resolve(dirname(join(DOCS, name)), file);
    expect(existsSync(path), `${target} from ${name}`).toBe(true);
    if (anchor !== undefined && anchor !== '') expect([...anchors(readFileSync(path, 'utf8'))]).toContain(anchor);
  });
});

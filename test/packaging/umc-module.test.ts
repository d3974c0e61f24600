/** The UMC module: XML definition (docs/appcenter-rules.md §F), backend commands, the built AMD front end. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMo, isSingleDefineCall, parsePo, transpileFrontEnd } from '../../umc/build.mjs';
import { UMC_CATEGORIES } from './helpers/appcenter-rules.js';
import { UmcPython } from './helpers/umc-python.js';

const UMC = join(import.meta.dirname, '..', '..', 'umc');

/** The XML as UMC's ElementTree reader sees it, plus which commands Instance implements. */
const INSPECT = `
import json, sys, xml.etree.ElementTree as ET
import univention.management.console.modules.pascomconnector as backend
root = ET.parse(sys.argv[1]).getroot()
module = root.find('module')
print(json.dumps({
  'root': root.tag, 'version': root.get('version'), 'children': [child.tag for child in root],
  'id': module.get('id'), 'moduleVersion': module.get('version'), 'icon': module.get('icon'),
  'order': [child.tag for child in module],
  'categories': [c.get('name') for c in module.iter('category')],
  'commands': [{'name': c.get('name'), 'function': c.get('function'),
                'implemented': callable(getattr(backend.Instance, c.get('function') or '', None))} for c in module.iter('command')],
}))
`;

interface XmlFacts {
  root: string;
  version: string;
  children: string[];
  id: string;
  moduleVersion: string | null;
  icon: string;
  order: string[];
  categories: string[];
  commands: { name: string; function: string; implemented: boolean }[];
}

describe('umc/pascomconnector.xml', () => {
  let python: UmcPython;
  let facts: XmlFacts;
  beforeAll(() => {
    python = new UmcPython();
    facts = JSON.parse(python.python(['-c', INSPECT, join(UMC, 'pascomconnector.xml')])) as XmlFacts;
  });
  afterAll(() => python.cleanup());

  it('is a UMC 2.0 definition with one module (UMC-01)', () => {
    expect([facts.root, facts.version, facts.children]).toEqual(['umc', '2.0', ['module']]);
  });

  it('names the module with a Python identifier, the package of its backend (UMC-05)', () => {
    expect(facts.id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(facts.id).toBe('pascomconnector');
  });

  it('keeps the DTD element order and version (UMC-02)', () => {
    expect(facts.moduleVersion ?? '1.0').toBe('1.0');
    expect(facts.order.join(' ')).toMatch(/^name description (keywords )?categories( command)+$/);
  });

  it('sits in a category UCS ships (UMC-06)', () => {
    expect(facts.categories.every((name) => UMC_CATEGORIES.includes(name))).toBe(true);
  });

  it('has only commands named <module>/<verb> that Instance implements (UMC-03, UMC-04)', () => {
    expect(facts.commands).toEqual([{ name: 'pascomconnector/token', function: 'token', implemented: true }]);
  });

  it('ships the icon it names', () => {
    expect(readFileSync(join(UMC, 'icons', 'scalable', `${facts.icon}.svg`), 'utf8')).toContain('<svg');
  });

  it('has a German name and description that gettext reads', () => {
    const mo = buildMo(parsePo(readFileSync(join(UMC, 'de.po'), 'utf8')));
    const xml = readFileSync(join(UMC, 'pascomconnector.xml'), 'utf8');
    const description = /<description>([^<]+)<\/description>/.exec(xml)?.[1] ?? '';
    const script =
      'import gettext,sys,io; t=gettext.GNUTranslations(io.BytesIO(bytes.fromhex(sys.argv[1]))); print(t.gettext(sys.argv[2]))';
    expect(python.python(['-c', script, mo.toString('hex'), description]).trim()).toMatch(/^Abgleich der UCS-Benutzer/);
  });
});

/** A fake UMC around the built front end: dojo modules as small recorders. */
function loadFrontEnd(clock: { now: number }) {
  const js = transpileFrontEnd(readFileSync(join(UMC, 'src', 'pascomconnector.ts'), 'utf8'));
  let deps: string[] = [];
  let factory: ((...modules: unknown[]) => unknown) | undefined;
  runInNewContext(js, {
    Date: { now: () => clock.now },
    define: (d: string[], f: (...modules: unknown[]) => unknown) => {
      deps = d;
      factory = f;
    },
  });
  const commands: string[] = [];
  const answers: ((value: { result: unknown }) => void)[] = [];
  let listener: ((event: unknown) => void) | undefined;
  const frame = { src: '', contentWindow: { name: 'frame' } };
  const Module = function Module() {};
  const modules = {
    declare: (name: string, bases: unknown[], prototype: Record<string, unknown>) => ({ name, bases, prototype }),
    on: (_target: unknown, _event: string, handler: (event: unknown) => void) => (
      (listener = handler),
      { remove() {} }
    ),
    domConstruct: { create: (tag: string) => (tag === 'iframe' ? frame : { textContent: '' as string | null }) },
    win: { global: { location: { origin: 'https://ucs.example' } } },
    ContentPane: function ContentPane(this: { domNode: unknown }) {
      this.domNode = { appendChild() {} };
    },
    tools: {
      umcpCommand: (command: string) => {
        commands.push(command);
        return { then: (ok: (value: { result: unknown }) => void) => void answers.push(ok) };
      },
    },
    translate: (text: string) => text,
  };
  const declared = factory?.(
    modules.declare,
    modules.on,
    modules.domConstruct,
    modules.win,
    modules.ContentPane,
    Module,
    modules.tools,
    modules.translate,
  ) as {
    name: string;
    bases: unknown[];
    prototype: Record<string, (...args: unknown[]) => unknown>;
  };
  const widget = Object.assign(Object.create(declared.prototype) as Record<string, unknown>, {
    inherited() {},
    own() {},
    addChild() {},
    standby() {},
  });
  const call = (method: string, ...args: unknown[]): unknown => declared.prototype[method]?.apply(widget, args);
  return { js, deps, declared, Module, frame, commands, answers, call, message: (event: unknown) => listener?.(event) };
}

describe('umc/src/pascomconnector.ts, built', () => {
  it('is one AMD define call, so nothing leaks into the page (UMC-07)', () => {
    const { js, deps } = loadFrontEnd({ now: 0 });
    expect(isSingleDefineCall(js)).toBe(true);
    expect(deps).toEqual(
      expect.arrayContaining([
        'dojo/_base/declare',
        'umc/widgets/Module',
        'umc/tools',
        'umc/i18n!umc/modules/pascomconnector',
      ]),
    );
  });

  it('declares umc.modules.pascomconnector based on umc/widgets/Module (UMC-07)', () => {
    const { declared, Module } = loadFrontEnd({ now: 0 });
    expect(declared.name).toBe('umc.modules.pascomconnector');
    expect(declared.bases).toEqual([Module]);
  });

  it('asks the backend for a token and points the frame at the returned URL', () => {
    const ui = loadFrontEnd({ now: 0 });
    ui.call('buildRendering');
    ui.call('postCreate');
    expect(ui.commands).toEqual(['pascomconnector/token']);
    ui.answers[0]?.({ result: { url: '/pascom-connector/sso?token=abc' } });
    expect(ui.frame.src).toBe('/pascom-connector/sso?token=abc');
  });

  it('mints a new token when the page in the frame reports its session expired', () => {
    const clock = { now: 0 };
    const ui = loadFrontEnd(clock);
    ui.call('buildRendering');
    ui.call('postCreate');
    clock.now = 60_000;
    ui.message({
      source: ui.frame.contentWindow,
      origin: 'https://ucs.example',
      data: { type: 'pascom-connector:session-expired' },
    });
    expect(ui.commands).toEqual(['pascomconnector/token', 'pascomconnector/token']);
  });

  it.each([
    [
      'another window',
      { source: {}, origin: 'https://ucs.example', data: { type: 'pascom-connector:session-expired' } },
    ],
    [
      'another origin',
      { source: 'frame', origin: 'https://evil.example', data: { type: 'pascom-connector:session-expired' } },
    ],
    ['another message', { source: 'frame', origin: 'https://ucs.example', data: { type: 'something-else' } }],
  ])('ignores a message from %s', (_what, event) => {
    const clock = { now: 0 };
    const ui = loadFrontEnd(clock);
    ui.call('buildRendering');
    ui.call('postCreate');
    clock.now = 60_000;
    ui.message({ ...event, source: event.source === 'frame' ? ui.frame.contentWindow : event.source });
    expect(ui.commands).toEqual(['pascomconnector/token']);
  });

  it('does not loop when the page reports expiry right after a fresh token', () => {
    const clock = { now: 0 };
    const ui = loadFrontEnd(clock);
    ui.call('buildRendering');
    ui.call('postCreate');
    clock.now = 2_000;
    ui.message({
      source: ui.frame.contentWindow,
      origin: 'https://ucs.example',
      data: { type: 'pascom-connector:session-expired' },
    });
    expect(ui.commands).toEqual(['pascomconnector/token']);
  });
});

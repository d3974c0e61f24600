/**
 * Every `univention-app shell` example in the docs, parsed by the argument parser of the App
 * Center's `shell` action (univention-appcenter, python/appcenter-docker/actions/shell.py: the app
 * ID is a positional argument followed by `nargs=REMAINDER`, so the action's own options count only
 * before the ID, and stdin reaches the container only with `-i`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FILES = ['README.md', 'docs/install.md', 'docs/install.de.md', 'docs/operation.md', 'docs/troubleshooting.md'];
/** The CLI's commands (README "Command line"). */
const CLI_COMMANDS = ['serve', 'simulate', 'import', 'auth-test', 'status', 'listener-trigger'];

/** shell.py's setup_parser, verbatim in its arguments; prints what `main` would run. */
const PARSER = `
import json, shlex, sys
from argparse import ArgumentParser, REMAINDER
parser = ArgumentParser(prog='univention-app shell')
parser.add_argument('app')
parser.add_argument('commands', nargs=REMAINDER)
parser.add_argument('-u', '--user', default='root')
parser.add_argument('-i', '--interactive', action='store_true', default=False)
parser.add_argument('-t', '--tty', action='store_true', default=False)
parser.add_argument('-s', '--service_name')
out = []
for line in sys.stdin.read().splitlines():
    args = parser.parse_args(shlex.split(line))
    out.append({'app': args.app, 'commands': args.commands, 'interactive': args.interactive, 'user': args.user})
print(json.dumps(out))
`;

interface Parsed {
  app: string;
  commands: string[];
  interactive: boolean;
  user: string;
}

/** `univention-app shell …` command lines in a document (continuation lines joined, alias quotes cut). */
function examples(text: string): string[] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return [...joined.matchAll(/univention-app shell((?: [^\n'`]*)?)/g)]
    .map((match) => (match[1] ?? '').replace(/\s+#.*$/, '').trim())
    .filter((args) => args !== '');
}

const found = FILES.filter((file) => existsSync(join(ROOT, file))).flatMap((file) =>
  examples(readFileSync(join(ROOT, file), 'utf8')).map((args) => ({ file, args })),
);

describe('univention-app shell examples in the docs', () => {
  it('finds the examples it checks', () => {
    expect(found.length).toBeGreaterThanOrEqual(10);
  });

  const parsed = JSON.parse(
    execFileSync('python3', ['-c', PARSER], {
      input: found.map((example) => example.args).join('\n'),
      encoding: 'utf8',
    }),
  ) as Parsed[];

  it.each(found.map((example, index) => [`${example.file}: ${example.args}`, index] as const))(
    '%s runs in the app, with stdin (-i before the app ID), a command the image has',
    (_name, index) => {
      const example = parsed[index];
      expect(example?.app).toBe('pascom-connector');
      expect(example?.interactive).toBe(true);
      const [command, ...rest] = example?.commands ?? [];
      if (command === 'pascom-connector') {
        // An alias ends here; otherwise a CLI command follows.
        if (rest.length > 0) expect(CLI_COMMANDS).toContain(rest[0]);
      } else {
        expect(command).toMatch(/^\/app\/appcenter\//);
        expect(existsSync(join(ROOT, (command ?? '').replace(/^\/app\//, '')))).toBe(true);
      }
    },
  );
});

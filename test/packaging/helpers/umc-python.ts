/**
 * Runs the real UMC module backend (umc/python/pascomconnector) in python3 with the
 * `univention.management.console` imports replaced by small stubs that behave like UCS's
 * (Base.finished, UMC_Error(status=…), @simple_response).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');

const STUBS: Record<string, string> = {
  'univention/__init__.py': '',
  'univention/management/__init__.py': '',
  'univention/management/console/__init__.py': '',
  'univention/management/console/modules/__init__.py': '',
  'univention/management/console/base.py': `
class Base(object):
    username = None
    def finished(self, request_id, result, message=None, success=True, status=None, **kwargs):
        self.answer = {'id': request_id, 'result': result}
`,
  'univention/management/console/error.py': `
class UMC_Error(Exception):
    def __init__(self, message=None, status=None, result=None, headers=None, traceback=None, reason=None):
        super(UMC_Error, self).__init__(message)
        self.msg = message
        self.status = status or 400
`,
  'univention/management/console/modules/decorators.py': `
import functools
def simple_response(function):
    @functools.wraps(function)
    def wrapper(self, request):
        self.finished(request.id, function(self, **(request.options or {})))
    return wrapper
`,
};

/** Calls Instance().token() as the UMC server would and prints the answer (or the UMC_Error) as JSON. */
const DRIVER = `
import json, sys
import univention.management.console.modules.pascomconnector as module
from univention.management.console.error import UMC_Error
module.SSO_SECRET_FILE = sys.argv[1]
class Request(object):
    id = 'req-1'
    options = {}
    flavor = None
instance = module.Instance()
instance.username = sys.argv[2] or None
try:
    instance.token(Request())
    print(json.dumps(instance.answer))
except UMC_Error as error:
    print(json.dumps({'error': error.msg, 'status': error.status}))
`;

export interface TokenAnswer {
  readonly id?: string;
  readonly result?: { readonly url: string };
  readonly error?: string;
  readonly status?: number;
}

export class UmcPython {
  readonly dir = mkdtempSync(join(tmpdir(), 'umc-python-'));

  constructor() {
    for (const [file, text] of Object.entries(STUBS)) {
      mkdirSync(join(this.dir, file, '..'), { recursive: true });
      writeFileSync(join(this.dir, file), text);
    }
    cpSync(
      join(ROOT, 'umc', 'python', 'pascomconnector'),
      join(this.dir, 'univention/management/console/modules/pascomconnector'),
      { recursive: true },
    );
  }

  /** Runs python3 with the stubs on PYTHONPATH. */
  python(args: readonly string[]): string {
    const result = spawnSync('python3', args, {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: this.dir, PYTHONDONTWRITEBYTECODE: '1' },
    });
    if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
    return result.stdout;
  }

  token(secretFile: string, username: string): TokenAnswer {
    return JSON.parse(this.python(['-c', DRIVER, secretFile, username])) as TokenAnswer;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

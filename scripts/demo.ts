/**
 * The demo: a real OpenLDAP slapd loaded with ~50 sample UCS users (umlauts; office numbers of
 * one dial plan in every common notation, `+49 441 12345-20006`, `+49 (0)441 12345-2036`,
 * `+49 441 12345 20007`, `0441 12345-20004`, `2042`; some disabled, ~70 % enabled for pascom),
 * the pascom simulator, and `pascom-connector serve`
 * with a config written to .demo/. Prints the page's URL and a login; Ctrl-C stops everything.
 *
 *   npm run demo [-- --port 8080 --users 50]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { run } from '../app/cli/run.js';
import { startPascomSimulator } from '../test/fixtures/pascom-simulator/index.js';
import { startSlapd } from '../test/fixtures/slapd/index.js';
import { generateUsers } from '../test/fixtures/user-generator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    users: { type: 'string', default: '50' },
    'pascom-port': { type: 'string', default: '0' },
  },
});
const dir = resolve('.demo');
rmSync(dir, { recursive: true, force: true });
mkdirSync(resolve(dir, 'data'), { recursive: true, mode: 0o700 });

const slapd = await startSlapd({ users: generateUsers(Number(values.users), { seed: 2026 }) });
const sim = await startPascomSimulator({ port: Number(values['pascom-port']) });
const ssoSecretFile = resolve(dir, 'sso.secret');
writeFileSync(ssoSecretFile, `${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')}\n`, {
  mode: 0o600,
});
const configPath = resolve(dir, 'config.yaml');
const config = {
  dataDir: resolve(dir, 'data'),
  ucs: { url: slapd.url, baseDn: slapd.baseDn, bindDn: slapd.computerDn, password: slapd.computerPassword },
  pascom: { url: sim.url, instance: sim.instance, user: sim.user, password: sim.password },
  // A fresh install's extensions: only a pool. Simulate then shows the users whose number needs
  // `extensions.phonePrefix` (it suggests "+49 441 12345"); every other extension is the direct-dial number.
  extensions: { pool: '500-599' },
  deletes: { mode: 'delete', maxPerRun: 10 },
  listener: { mode: 'auto' },
  schedule: '0 3 * * *',
  http: { port: Number(values.port), host: '127.0.0.1', ssoSecretFile },
};
writeFileSync(configPath, stringify(config), { mode: 0o600 });

const page = `http://127.0.0.1:${values.port}/pascom-connector/`;
process.stdout.write(
  [
    '',
    'pascom UCS Connector demo',
    `  directory  ${slapd.url}  (base ${slapd.baseDn}, ${values.users} sample users)`,
    `  pascom     ${sim.url}/${sim.instance}/services  (simulator; control API ${sim.url}/_sim/journal)`,
    `  config     ${configPath}`,
    '',
    `  Admin page: ${page}`,
    `  Login:      Administrator / ${slapd.adminPassword}`,
    '',
    '  Try: Simulate (its notices suggest extensions.phonePrefix "+49 441 12345"), Import now,',
    '  then change a user in the directory, e.g.',
    `    ldapmodify -x -H ${slapd.url} -D ${slapd.rootDn} -w ${slapd.rootPassword}`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n'),
);

const code = await run(['serve', '--config', configPath], {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
await sim.stop();
await slapd.stop();
process.exit(code);

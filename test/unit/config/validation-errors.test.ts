import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../app/config/validate.js';
import type { ConfigError } from '../../../app/config/issues.js';
import { context, rawWith } from './base-config.js';

function errorsOf(snippet: string): ConfigError[] {
  const result = validateConfig(rawWith(snippet), context());
  return result.ok ? [] : result.errors;
}

describe('validateConfig() error messages', () => {
  it.each([
    ['ucs: {url: "ldp://x"}', 'ucs.url', 'ucs.url: "ldp://x" is not an ldap:// or ldaps:// URL'],
    ['ucs: {url: null}', 'ucs.url', 'ucs.url: is required (expected a string)'],
    ['ucs: {starttls: "yes"}', 'ucs.starttls', 'ucs.starttls: "yes" is a string, expected a boolean'],
    [
      'ucs: {url: "ldaps://ucs:636", starttls: true}',
      'ucs.starttls',
      'ucs.starttls: true cannot be combined with "ldaps://ucs:636"',
    ],
    ['ucs: {tlsVerify: 0}', 'ucs.tlsVerify', 'ucs.tlsVerify: 0 is a number, expected a boolean'],
    ['ucs: {timeoutMs: 50}', 'ucs.timeoutMs', 'ucs.timeoutMs: 50 is below the minimum 100'],
    ['ucs: {timeoutMs: 1.5}', 'ucs.timeoutMs', 'ucs.timeoutMs: 1.5 is a fractional number, expected an integer'],
    ['ucs: {userFilter: "uid=jdoe"}', 'ucs.userFilter', 'ucs.userFilter: "uid=jdoe" is not an LDAP filter'],
    ['ucs: {userFilter: "(a=1)(b=2)"}', 'ucs.userFilter', 'ucs.userFilter: "(a=1)(b=2)" is not an LDAP filter'],
    ['ucs: {disabledUsers: drop}', 'ucs.disabledUsers', 'ucs.disabledUsers: "drop" is not one of "remove", "sync"'],
    ['ucs: {baseDn: ""}', 'ucs.baseDn', 'ucs.baseDn: "" is empty'],
    ['ucs: {passwordFile: /run/ucs.secret}', 'ucs', 'ucs: has both password and passwordFile'],
    ['pascom: {password: null}', 'pascom', 'pascom: needs password or passwordFile'],
    ['pascom: {url: "ftp://pbx"}', 'pascom.url', 'pascom.url: "ftp://pbx" is not an http:// or https:// URL'],
    ['pascom: {instance: "a/b"}', 'pascom.instance', 'pascom.instance: "a/b" is not an instance name'],
    ['pascom: {concurrency: 65}', 'pascom.concurrency', 'pascom.concurrency: 65 is above the maximum 64'],
    ['pascom: {concurrency: 0}', 'pascom.concurrency', 'pascom.concurrency: 0 is below the minimum 1'],
    [
      'pascom: {delivery: connector}',
      'pascom.connectorProfile',
      'pascom.connectorProfile: is required when delivery is "connector"',
    ],
    ['pascom: {delivery: csv}', 'pascom.delivery', 'pascom.delivery: "csv" is not one of "identity", "connector"'],
    [
      'pascom: {connectorPushIntervalMs: 10}',
      'pascom.connectorPushIntervalMs',
      'pascom.connectorPushIntervalMs: 10 is below the minimum 100',
    ],
    [
      'pascom: {api: {paging: {limitParam: limit}}}',
      'pascom.api.paging.offsetParam',
      'pascom.api.paging.offsetParam: is required',
    ],
    [
      'pascom: {api: {paths: {lst: "x/"}}}',
      'pascom.api.paths.lst',
      'pascom.api.paths.lst: unknown key (did you mean "list"?)',
    ],
    [
      'pascom: {api: {fields: {login: 7}}}',
      'pascom.api.fields.login',
      'pascom.api.fields.login: 7 is a number, expected a string',
    ],
    ['extensions: {digits: 0}', 'extensions.digits', 'extensions.digits: 0 is below the minimum 1'],
    ['extensions: {digits: 11}', 'extensions.digits', 'extensions.digits: 11 is above the maximum 10'],
    ['extensions: {pool: "199-100"}', 'extensions.pool', 'extensions.pool: "199-100" starts above its end'],
    ['extensions: {pool: "abc"}', 'extensions.pool', 'extensions.pool: "abc" is not a number range'],
    ['extensions: {pool: 100}', 'extensions.pool', 'extensions.pool: 100 is a number, expected a string'],
    [
      'mapping: [{field: 003use_name, source: uid, transforms: [reverse]}]',
      'mapping[0].transforms[0]',
      'mapping[0].transforms[0]: "reverse" is not one of "trim"',
    ],
    [
      'mapping: [{field: 003use_name, source: uid, sources: [uid]}]',
      'mapping[0]',
      'mapping[0]: has both "source" and "sources"',
    ],
    ['mapping: [{field: 003use_name}]', 'mapping[0]', 'mapping[0]: has neither "source" nor "sources"'],
    [
      'mapping: [{field: 003use_name, source: "{givenName"}]',
      'mapping[0].source',
      'mapping[0].source: "{givenName" is not a well-formed template',
    ],
    [
      'mapping: [{field: 003use_name, sources: ["{}"]}]',
      'mapping[0].sources[0]',
      'mapping[0].sources[0]: "{}" is not a well-formed template',
    ],
    [
      'mapping: [{field: 003use_name, source: "given name"}]',
      'mapping[0].source',
      'mapping[0].source: "given name" is not an LDAP attribute name',
    ],
    ['mapping: [{field: 003use_name, sources: []}]', 'mapping[0].sources', 'mapping[0].sources: is an empty list'],
    [
      'mapping: [{field: 003use_name, source: uid, policy: always}]',
      'mapping[0].policy',
      'mapping[0].policy: "always" is not one of "force", "createOnly", "default"',
    ],
    [
      'mapping: [{field: 003use_name, source: uid, requried: true}]',
      'mapping[0].requried',
      'mapping[0].requried: unknown key (did you mean "required"?)',
    ],
    [
      'mapping: [{field: 003use_name, source: uid}, {field: 003use_name, source: mail}]',
      'mapping[1].field',
      'mapping[1].field: field "003use_name" is already mapped by mapping[0]',
    ],
    [
      'mapping: [{field: 003use_bez, source: displayName}]',
      'mapping',
      'mapping: has no rule for the login field "003use_name"',
    ],
    [
      'mapping: [{field: "a b", source: uid}]',
      'mapping[0].field',
      'mapping[0].field: "a b" is not a pascom field name',
    ],
    ['deletes: {mode: remove}', 'deletes.mode', 'deletes.mode: "remove" is not one of "delete", "keep"'],
    ['deletes: {maxPerRun: -1}', 'deletes.maxPerRun', 'deletes.maxPerRun: -1 is below the minimum 0'],
    ['auth: {ucs: "yes"}', 'auth.ucs', 'auth.ucs: "yes" is a string, expected a boolean'],
    [
      'listener: {mode: inotify}',
      'listener.mode',
      'listener.mode: "inotify" is not one of "auto", "syncrepl", "translog", "appcenter", "poll"',
    ],
    [
      'listener: {pollIntervalMs: 10}',
      'listener.pollIntervalMs',
      'listener.pollIntervalMs: 10 is below the minimum 100',
    ],
    [
      'schedule: "61 * * * *"',
      'schedule',
      'schedule: "61 * * * *" is not a valid cron expression (minute hour day-of-month month day-of-week, e.g. "0 3 * * *")',
    ],
    ['schedule: "every night"', 'schedule', 'schedule: "every night" is not a valid cron expression'],
    ['http: {port: "8080"}', 'http.port', 'http.port: "8080" is a string, expected a number'],
    ['http: {port: 70000}', 'http.port', 'http.port: 70000 is above the maximum 65535'],
    ['http: {basePath: "/pascom/"}', 'http.basePath', 'http.basePath: "/pascom/" is not a URL path'],
    ['http: {basePath: "pascom"}', 'http.basePath', 'http.basePath: "pascom" is not a URL path'],
    ['http: {trustProxy: []}', 'http.trustProxy', 'http.trustProxy: a list is not a trust proxy setting'],
    ['log: {level: verbose}', 'log.level', 'log.level: "verbose" is not one of "error", "warn", "info", "debug"'],
    ['dataDir: ""', 'dataDir', 'dataDir: "" is empty'],
    ['shedule: "0 3 * * *"', 'shedule', 'shedule: unknown key (did you mean "schedule"?)'],
    ['ucs: {pasword: x}', 'ucs.pasword', 'ucs.pasword: unknown key (did you mean "password"?)'],
    ['colour: blue', 'colour', 'colour: unknown key (expected one of dataDir, ucs, pascom'],
    ['pascom: 5', 'pascom', 'pascom: 5 is a number, expected a mapping'],
  ])('%s → %s', (snippet, path, message) => {
    const errors = errorsOf(snippet);
    expect(errors.map((error) => error.path)).toContain(path);
    expect(errors.find((error) => error.path === path)?.message).toContain(message);
  });

  it.each([
    ['ucs: {password: 12345}', 'ucs.password'],
    ['pascom: {password: [hunter2-secret]}', 'pascom.password'],
    ['pascom: {password: ""}', 'pascom.password'],
  ])('never shows the value of a password (%s)', (snippet, path) => {
    const error = errorsOf(snippet).find((item) => item.path === path);
    expect(error?.message).toBe(`${path}: is invalid (expected a non-empty string; the value is not shown)`);
  });

  it('reports every error of the file at once', () => {
    const paths = errorsOf('ucs: {url: "ldp://x"}\nhttp: {port: 0}\nlog: {level: loud}').map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['ucs.url', 'http.port', 'log.level']));
  });

  it('rejects a file that is not a mapping', () => {
    const result = validateConfig(['a', 'b'], context());
    expect(result.ok ? [] : result.errors).toEqual([
      { path: '', message: expect.stringContaining('does not hold a mapping') },
    ]);
  });

  it('rejects an empty file', () => {
    const result = validateConfig(null, context());
    expect(result.ok ? [] : result.errors).toEqual([
      { path: '', message: expect.stringContaining('the file is empty') },
    ]);
  });
});

/** The Connection section's forms: read, validate (in the page's language), turn into config edits. */
import type { Document } from 'yaml';
import { setPassword } from '../config/index.js';
import { MACHINE_SECRET_PATH } from '../config/index.js';
import type { Config } from '../config/index.js';
import type { Translate } from '../i18n/index.js';
import { checked, isHttpUrl, isLdapUrl, looksLikeFilter, text, type FieldErrors, type FormBody } from './form.js';

export type TlsMode = 'none' | 'starttls' | 'ldaps';

export interface UcsForm {
  url: string;
  tls: TlsMode;
  caFile: string;
  baseDn: string;
  bindDn: string;
  /** Write-only: empty keeps the current password. Never rendered. */
  password: string;
  useMachine: boolean;
  userFilter: string;
}

export interface PascomForm {
  url: string;
  instance: string;
  user: string;
  password: string;
}

export function tlsModeOf(url: string, starttls: boolean): TlsMode {
  if (/^ldaps:/i.test(url)) return 'ldaps';
  return starttls ? 'starttls' : 'none';
}

/** The URL with the scheme the TLS mode needs (ldaps:// only for LDAPS). */
export function urlForMode(url: string, tls: TlsMode): string {
  if (tls === 'ldaps') return url.replace(/^ldap:\/\//i, 'ldaps://');
  return url.replace(/^ldaps:\/\//i, 'ldap://');
}

export function ucsFormFromConfig(config: Config, machineDn: string | undefined): UcsForm {
  const ucs = config.ucs;
  return {
    url: ucs.url,
    tls: tlsModeOf(ucs.url, ucs.starttls),
    caFile: ucs.caFile ?? '',
    baseDn: ucs.baseDn,
    bindDn: ucs.bindDn,
    password: '',
    useMachine: machineDn !== undefined && ucs.bindDn === machineDn,
    userFilter: ucs.userFilter,
  };
}

export function pascomFormFromConfig(config: Config): PascomForm {
  return { url: config.pascom.url, instance: config.pascom.instance, user: config.pascom.user, password: '' };
}

export function readUcsForm(body: FormBody, machineDn: string | undefined): UcsForm {
  const tls = text(body, 'tls');
  const useMachine = checked(body, 'useMachine');
  return {
    url: urlForMode(text(body, 'url').trim(), tls === 'ldaps' || tls === 'starttls' ? tls : 'none'),
    tls: tls === 'ldaps' || tls === 'starttls' ? tls : 'none',
    caFile: text(body, 'caFile').trim(),
    baseDn: text(body, 'baseDn').trim(),
    bindDn: useMachine && machineDn !== undefined ? machineDn : text(body, 'bindDn').trim(),
    password: text(body, 'password'),
    useMachine,
    userFilter: text(body, 'userFilter').trim(),
  };
}

export function readPascomForm(body: FormBody): PascomForm {
  return {
    url: text(body, 'url').trim(),
    instance: text(body, 'instance').trim(),
    user: text(body, 'user').trim(),
    password: text(body, 'password'),
  };
}

/** Whether the stored password may be used with these values: only for the same server and account. */
export function keepsStoredUcsPassword(form: UcsForm, config: Config): boolean {
  return form.password === '' && !form.useMachine && form.url === config.ucs.url && form.bindDn === config.ucs.bindDn;
}

/** The host of an `ldap://` or `ldaps://` URL, lower case; undefined when it does not parse. */
export function ldapHostOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const host = new URL(url).hostname.toLowerCase();
  return host === '' ? undefined : host.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Whether the machine account's password may go to the server this form names: only the
 * container's own LDAP server (`$LDAP_SERVER_NAME`, where UCS created the account) and only
 * over TLS (StartTLS or LDAPS). The password is the app's own identity in the domain; the form
 * must not be a way to send it to another host, or in clear.
 */
export function machineSecretAllowed(form: UcsForm, ownLdapServer: string | undefined): boolean {
  if (ownLdapServer === undefined || form.tls === 'none') return false;
  return ldapHostOf(form.url) === ownLdapServer.trim().toLowerCase();
}

/** What the page knows about the container's machine account. */
export interface MachineAccount {
  /** `$LDAP_HOSTDN`, when set. */
  readonly dn: string | undefined;
  /** `$LDAP_SERVER_NAME`: the container's own LDAP server, when set. */
  readonly ownLdapServer?: string | undefined;
  /** The machine secret's file. Default `/etc/machine.secret`. */
  readonly secretPath?: string | undefined;
}

/** Whether the form would send the machine secret: ticked, or the stored password when that is the secret's file. */
export function usesMachineSecret(form: UcsForm, config: Config, machine: MachineAccount): boolean {
  if (form.useMachine) return true;
  return (
    keepsStoredUcsPassword(form, config) && config.ucs.passwordFile === (machine.secretPath ?? MACHINE_SECRET_PATH)
  );
}

export function validateUcsForm(form: UcsForm, config: Config, machine: MachineAccount, t: Translate): FieldErrors {
  const machineDn = machine.dn;
  const ownLdapServer = machine.ownLdapServer;
  const errors: FieldErrors = {};
  if (!isLdapUrl(form.url)) errors['url'] = t('val.ldapUrl');
  if (form.baseDn === '') errors['baseDn'] = t('val.required');
  if (form.bindDn === '') errors['bindDn'] = t('val.required');
  if (!looksLikeFilter(form.userFilter)) errors['userFilter'] = t('val.filter');
  if (form.useMachine && machineDn === undefined) errors['useMachine'] = t('val.machineUnavailable');
  else if (usesMachineSecret(form, config, machine) && !machineSecretAllowed(form, ownLdapServer))
    errors['useMachine'] = t('val.machineOwnServer', { host: ownLdapServer ?? '$LDAP_SERVER_NAME' });
  // A changed server or account never gets the stored password silently.
  if (!form.useMachine && form.password === '' && !keepsStoredUcsPassword(form, config))
    errors['password'] = t('val.required');
  return errors;
}

export function keepsStoredPascomPassword(form: PascomForm, config: Config): boolean {
  return (
    form.password === '' &&
    form.url === config.pascom.url &&
    form.instance === config.pascom.instance &&
    form.user === config.pascom.user
  );
}

export function validatePascomForm(form: PascomForm, config: Config, t: Translate): FieldErrors {
  const errors: FieldErrors = {};
  if (!isHttpUrl(form.url)) errors['url'] = t('val.httpUrl');
  if (!/^[A-Za-z0-9._-]+$/.test(form.instance)) errors['instance'] = t('val.instance');
  if (form.user === '') errors['user'] = t('val.required');
  if (form.password === '' && !keepsStoredPascomPassword(form, config)) errors['password'] = t('val.required');
  return errors;
}

export function applyUcsForm(doc: Document, form: UcsForm, machineSecretPath: string | undefined): void {
  doc.setIn(['ucs', 'url'], form.url);
  doc.setIn(['ucs', 'starttls'], form.tls === 'starttls');
  if (form.caFile === '') doc.deleteIn(['ucs', 'caFile']);
  else doc.setIn(['ucs', 'caFile'], form.caFile);
  doc.setIn(['ucs', 'baseDn'], form.baseDn);
  doc.setIn(['ucs', 'bindDn'], form.bindDn);
  doc.setIn(['ucs', 'userFilter'], form.userFilter);
  if (form.useMachine) {
    doc.deleteIn(['ucs', 'password']);
    doc.setIn(['ucs', 'passwordFile'], machineSecretPath ?? MACHINE_SECRET_PATH);
  } else if (form.password !== '') {
    setPassword(doc, 'ucs', form.password);
  }
}

export function applyPascomForm(doc: Document, form: PascomForm): void {
  doc.setIn(['pascom', 'url'], form.url);
  doc.setIn(['pascom', 'instance'], form.instance);
  doc.setIn(['pascom', 'user'], form.user);
  if (form.password !== '') setPassword(doc, 'pascom', form.password);
}

/** Config error path → the form field it belongs to. */
export function fieldOfPath(path: string): string {
  const key = path.split('.')[1] ?? '';
  if (key === 'starttls') return 'tls';
  if (key === 'passwordFile') return 'password';
  return key === '' ? 'url' : key;
}

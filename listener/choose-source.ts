/**
 * Which source to follow. `auto` chooses syncrepl when the server offers the RFC 4533 control,
 * else the UCS translog when `cn=translog` can be read, else polling. The reason is shown by
 * `status` and the page, so it names what was found at each step.
 */
import type { ConfiguredMode, ModeChoice } from './change-source.js';
import type { ProbeResult } from './syncrepl/probe.js';

/** The checks `auto` makes, in order; each throws when it could not be made. */
export interface SourceProbes {
  syncAvailable(): Promise<ProbeResult>;
  translogReadable(): Promise<boolean>;
}

export async function chooseSource(wanted: ConfiguredMode, probes: SourceProbes): Promise<ModeChoice> {
  if (wanted === 'appcenter')
    return { mode: 'appcenter', reason: 'listener.mode is appcenter: only App Center listener files are processed' };
  if (wanted !== 'auto') return { mode: wanted, reason: `listener.mode is ${wanted}` };
  let noSync: string;
  try {
    const result = await probes.syncAvailable();
    if (result.available) return { mode: 'syncrepl', reason: 'the LDAP server offers RFC 4533 sync (syncprov)' };
    noSync = `no RFC 4533 sync on the LDAP server (${result.reason})`;
  } catch (error) {
    noSync = `the sync probe failed (${errorText(error)})`;
  }
  return translogOrPoll(noSync, probes);
}

/** auto's second choice: the UCS translog, when this account can read `cn=translog`. */
async function translogOrPoll(noSync: string, probes: SourceProbes): Promise<ModeChoice> {
  try {
    if (await probes.translogReadable())
      return { mode: 'translog', reason: `${noSync}; the UCS translog cn=translog is readable: following it` };
    return { mode: 'poll', reason: `${noSync}; no readable UCS translog (cn=translog): polling modifyTimestamp` };
  } catch (error) {
    return {
      mode: 'poll',
      reason: `${noSync}; reading the UCS translog failed (${errorText(error)}): polling modifyTimestamp`,
    };
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Applies the mixed load's writes over a few LDAP connections as the rootdn, as UDM would: a
 * rename is a modrdn to the new `uid` followed by the Kerberos principal's update. Returns the
 * wall-clock time the directory acknowledged the write the connector reacts to (the modify, or
 * the modrdn of a rename).
 */
import { Attribute, Change, Client } from 'ldapts';
import { kerberosRealm } from '../../test/fixtures/slapd/ucs-user-entry.js';
import type { LdapWrite } from './mixed-workload.js';
import { wallClockMs } from './stats.js';

function replace(type: string, values: readonly string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values: [...values] }) });
}

export class LdapWriter {
  private next = 0;

  private constructor(
    private readonly clients: readonly Client[],
    private readonly realm: string,
  ) {}

  static async connect(
    slapd: { readonly url: string; readonly rootDn: string; readonly rootPassword: string; readonly baseDn: string },
    connections: number,
  ): Promise<LdapWriter> {
    const clients = Array.from({ length: connections }, () => new Client({ url: slapd.url, timeout: 30_000 }));
    await Promise.all(clients.map((client) => client.bind(slapd.rootDn, slapd.rootPassword)));
    return new LdapWriter(clients, kerberosRealm(slapd.baseDn));
  }

  /** Writes; resolves with the acknowledgement time of the write the connector sees. */
  async apply(write: LdapWrite): Promise<number> {
    const client = this.clients[this.next++ % this.clients.length];
    if (client === undefined) throw new Error('no LDAP connection');
    if (write.op === 'modify') {
      await client.modify(
        write.dn,
        Object.entries(write.replace).map(([type, values]) => replace(type, values)),
      );
      return wallClockMs();
    }
    await client.modifyDN(write.dn, write.newDn);
    const ackAt = wallClockMs();
    await client.modify(write.newDn, [replace('krb5PrincipalName', [`${write.newUsername}@${this.realm}`])]);
    return ackAt;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.unbind()));
  }
}

/**
 * Turns the messages answering a sync search into `SyncEvent`s (pure; no socket). A malformed
 * message throws `LdapProtocolError`.
 */
import { LdapProtocolError, errorFromResult, type LdapErrorContext } from '../../app/ldap/errors.js';
import { OP, decodeEntry, decodeIntermediate, decodeResult, type LdapMessage } from '../../app/ldap/ldap-messages.js';
import {
  SYNC_OIDS,
  decodeSyncDoneValue,
  decodeSyncInfoValue,
  decodeSyncStateValue,
  type SyncInfoValue,
} from '../../app/ldap/rfc4533-codec.js';
import type { SyncEvent } from './sync-events.js';

/** `ctx` names the server and bind DN in the error a failed search result becomes. */
export function syncEventsOf(message: LdapMessage, ctx: LdapErrorContext): SyncEvent[] {
  switch (message.op.tag) {
    case OP.searchResultEntry:
      return [entryEvent(message)];
    case OP.intermediateResponse:
      return infoEvents(message);
    case OP.searchResultDone:
      return [doneEvent(message, ctx)];
    case OP.searchResultReference:
      // Referrals point at other servers; the listener follows only its own.
      return [];
    default:
      throw new LdapProtocolError(`Unexpected protocolOp 0x${message.op.tag.toString(16)} in a sync search`);
  }
}

function entryEvent(message: LdapMessage): SyncEvent {
  const entry = decodeEntry(message.op);
  const control = message.controls.find((candidate) => candidate.type === SYNC_OIDS.state);
  if (control?.value === undefined)
    throw new LdapProtocolError(`Entry ${entry.dn} arrived without a Sync State control`);
  const state = decodeSyncStateValue(control.value);
  if (state.state === 'delete') return { type: 'delete', uuid: state.uuid, dn: entry.dn, cookie: state.cookie };
  return {
    type: 'entry',
    state: state.state,
    uuid: state.uuid,
    dn: entry.dn,
    attributes: entry.attributes,
    cookie: state.cookie,
  };
}

function infoEvents(message: LdapMessage): SyncEvent[] {
  const { name, value } = decodeIntermediate(message.op);
  if (name !== SYNC_OIDS.info) throw new LdapProtocolError(`Unexpected IntermediateResponse ${name ?? '(no name)'}`);
  if (value === undefined) throw new LdapProtocolError('Sync Info without a value');
  return fromInfo(decodeSyncInfoValue(value));
}

function fromInfo(info: SyncInfoValue): SyncEvent[] {
  switch (info.kind) {
    case 'newCookie':
      return [{ type: 'cookie', cookie: info.cookie }];
    case 'syncIdSet':
      return [{ type: 'idSet', uuids: info.uuids, refreshDeletes: info.refreshDeletes, cookie: info.cookie }];
    case 'refreshDelete':
    case 'refreshPresent': {
      const type = info.kind === 'refreshPresent' ? 'present' : 'refreshDelete';
      const phaseEnd: SyncEvent = { type, refreshDone: info.refreshDone, cookie: info.cookie };
      return info.refreshDone ? [phaseEnd, { type: 'refreshDone' }] : [phaseEnd];
    }
  }
}

function doneEvent(message: LdapMessage, ctx: LdapErrorContext): SyncEvent {
  const result = decodeResult(message.op);
  if (result.code !== 0) return { type: 'error', error: errorFromResult(result.code, result.diagnostic, ctx) };
  const control = message.controls.find((candidate) => candidate.type === SYNC_OIDS.done);
  const done =
    control?.value === undefined ? { cookie: undefined, refreshDeletes: false } : decodeSyncDoneValue(control.value);
  return { type: 'done', code: result.code, cookie: done.cookie, refreshDeletes: done.refreshDeletes };
}

/**
 * RFC 4533 (LDAP Content Synchronization) control and message values, pure encode/decode.
 * Every decoder throws `LdapProtocolError` on malformed input and nothing else.
 *
 * Cookies are opaque octet strings; they are carried as `latin1` strings so that any byte
 * sequence survives a store/load round trip unchanged (OpenLDAP's cookies are ASCII anyway).
 */
import { BerWriter, Control } from 'ldapts';

import {
  TAG_CLASS,
  UNIVERSAL,
  decodeBoolean,
  decodeInteger,
  expectTag,
  readChildren,
  readSingle,
  type Tlv,
} from './ber.js';
import { LdapProtocolError } from './errors.js';

export const SYNC_OIDS = {
  request: '1.3.6.1.4.1.4203.1.9.1.1',
  state: '1.3.6.1.4.1.4203.1.9.1.2',
  done: '1.3.6.1.4.1.4203.1.9.1.3',
  info: '1.3.6.1.4.1.4203.1.9.1.4',
} as const;

export type SyncMode = 'refreshOnly' | 'refreshAndPersist';
const MODE_NUMBERS: Record<SyncMode, number> = { refreshOnly: 1, refreshAndPersist: 3 };
const MODES: readonly SyncMode[] = ['refreshOnly', 'refreshAndPersist'];

export interface SyncRequestValue {
  readonly mode: SyncMode;
  readonly cookie?: string | undefined;
  /** Default false (RFC 4533 §2.2). */
  readonly reloadHint?: boolean | undefined;
}

export type SyncState = 'present' | 'add' | 'modify' | 'delete';
const STATES: readonly SyncState[] = ['present', 'add', 'modify', 'delete'];

export interface SyncStateValue {
  readonly state: SyncState;
  /** entryUUID as a lower-case uuid string with dashes. */
  readonly uuid: string;
  readonly cookie?: string | undefined;
}

export interface SyncDoneValue {
  readonly cookie?: string | undefined;
  readonly refreshDeletes: boolean;
}

export type SyncInfoValue =
  | { readonly kind: 'newCookie'; readonly cookie: string }
  | {
      readonly kind: 'refreshDelete' | 'refreshPresent';
      readonly cookie?: string | undefined;
      readonly refreshDone: boolean;
    }
  | {
      readonly kind: 'syncIdSet';
      readonly cookie?: string | undefined;
      readonly refreshDeletes: boolean;
      readonly uuids: readonly string[];
    };

export function encodeSyncRequestValue(value: SyncRequestValue): Buffer {
  const writer = new BerWriter({ size: 64 });
  writer.startSequence();
  writer.writeEnumeration(MODE_NUMBERS[value.mode]);
  if (value.cookie !== undefined) writer.writeBuffer(cookieBytes(value.cookie), UNIVERSAL.octetString);
  if (value.reloadHint === true) writer.writeBoolean(true);
  writer.endSequence();
  return writer.buffer;
}

export function decodeSyncRequestValue(buffer: Buffer): SyncRequestValue {
  const [modeTlv, ...rest] = sequenceChildren(buffer, 'Sync Request');
  const modeNumber = decodeInteger(expectTag(modeTlv, UNIVERSAL.enumerated, 'Sync Request mode'), 'Sync Request mode');
  const mode = MODES.find((name) => MODE_NUMBERS[name] === modeNumber);
  if (mode === undefined) throw new LdapProtocolError(`Sync Request mode ${modeNumber} is not defined`);
  const fields = optionalFields(rest, 'Sync Request');
  return { mode, cookie: fields.cookie, reloadHint: fields.flag ?? false };
}

export function decodeSyncStateValue(buffer: Buffer): SyncStateValue {
  const [stateTlv, uuidTlv, ...rest] = sequenceChildren(buffer, 'Sync State');
  const stateNumber = decodeInteger(expectTag(stateTlv, UNIVERSAL.enumerated, 'Sync State state'), 'Sync State state');
  const state = STATES[stateNumber];
  if (state === undefined) throw new LdapProtocolError(`Sync State state ${stateNumber} is not defined`);
  const uuid = formatUuid(expectTag(uuidTlv, UNIVERSAL.octetString, 'Sync State entryUUID').value);
  const fields = optionalFields(rest, 'Sync State');
  if (fields.flag !== undefined) throw new LdapProtocolError('Sync State: unexpected BOOLEAN');
  return { state, uuid, cookie: fields.cookie };
}

export function decodeSyncDoneValue(buffer: Buffer): SyncDoneValue {
  const fields = optionalFields(sequenceChildren(buffer, 'Sync Done'), 'Sync Done');
  return { cookie: fields.cookie, refreshDeletes: fields.flag ?? false };
}

export function decodeSyncInfoValue(buffer: Buffer): SyncInfoValue {
  const choice = readSingle(buffer, 'Sync Info');
  // Match class and number only: slapd sends newcookie as primitive 0x80, the others constructed.
  if (choice.tagClass !== TAG_CLASS.context)
    throw new LdapProtocolError(`Sync Info: tag 0x${choice.tag.toString(16)} is not context-specific`);
  switch (choice.tagNumber) {
    case 0:
      return { kind: 'newCookie', cookie: cookieString(choice.value) };
    case 1:
    case 2: {
      const fields = optionalFields(readChildren(choice.value), 'Sync Info refresh');
      const kind = choice.tagNumber === 1 ? 'refreshDelete' : 'refreshPresent';
      return { kind, cookie: fields.cookie, refreshDone: fields.flag ?? true };
    }
    case 3:
      return decodeSyncIdSet(choice);
    default:
      throw new LdapProtocolError(`Sync Info: choice [${choice.tagNumber}] is not defined`);
  }
}

function decodeSyncIdSet(choice: Tlv): SyncInfoValue {
  const children = readChildren(choice.value);
  const setTlv = expectTag(children.at(-1), UNIVERSAL.set, 'Sync Info syncIdSet uuids');
  const fields = optionalFields(children.slice(0, -1), 'Sync Info syncIdSet');
  const uuids = readChildren(setTlv.value).map((tlv) =>
    formatUuid(expectTag(tlv, UNIVERSAL.octetString, 'syncIdSet uuid').value),
  );
  return { kind: 'syncIdSet', cookie: fields.cookie, refreshDeletes: fields.flag ?? false, uuids };
}

/** The canonical text form of a 16-byte UUID: lower-case hex, 8-4-4-4-12. */
export function formatUuid(bytes: Buffer): string {
  if (bytes.length !== 16) throw new LdapProtocolError(`entryUUID must be 16 bytes, got ${bytes.length}`);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of a uuid string (either case, with dashes). */
export function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new LdapProtocolError(`Not a uuid: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

export function cookieString(bytes: Buffer): string {
  return bytes.toString('latin1');
}

export function cookieBytes(cookie: string): Buffer {
  return Buffer.from(cookie, 'latin1');
}

/** The Sync Request control for ldapts's message writer. */
export class SyncRequestControl extends Control {
  readonly value: SyncRequestValue;

  constructor(value: SyncRequestValue, options: { critical: boolean }) {
    super(SYNC_OIDS.request, options);
    this.value = value;
  }

  protected override writeControl(writer: BerWriter): void {
    writer.writeBuffer(encodeSyncRequestValue(this.value), UNIVERSAL.octetString);
  }
}

function sequenceChildren(buffer: Buffer, what: string): Tlv[] {
  return readChildren(expectTag(readSingle(buffer, what), UNIVERSAL.sequence, what).value);
}

/** The `cookie OCTET STRING OPTIONAL, flag BOOLEAN DEFAULT …` tail shared by several values, in that order. */
function optionalFields(
  elements: readonly Tlv[],
  what: string,
): { cookie: string | undefined; flag: boolean | undefined } {
  let cookie: string | undefined;
  let flag: boolean | undefined;
  for (const element of elements) {
    if (element.tag === UNIVERSAL.octetString && cookie === undefined && flag === undefined) {
      cookie = cookieString(element.value);
    } else if (element.tag === UNIVERSAL.boolean && flag === undefined) {
      flag = decodeBoolean(element, what);
    } else {
      throw new LdapProtocolError(`${what}: unexpected element with tag 0x${element.tag.toString(16)}`);
    }
  }
  return { cookie, flag };
}

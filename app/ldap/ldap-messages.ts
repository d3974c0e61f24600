/**
 * Just enough LDAPv3 (RFC 4511) for the sync search and the paged reader: requests are written with ldapts's message
 * classes; responses are decoded here, because ldapts's MessageParser rejects
 * IntermediateResponse (0x79) and drops controls it does not know (Sync State, Sync Done).
 */
import { BindRequest, ExtendedRequest, FilterParser, SearchRequest, UnbindRequest } from 'ldapts';

import {
  UNIVERSAL,
  decodeBoolean,
  decodeInteger,
  decodeUtf8,
  expectTag,
  readChildren,
  readSingle,
  type Tlv,
} from './ber.js';
import { LdapProtocolError } from './errors.js';
import { SyncRequestControl, type SyncRequestValue } from './rfc4533-codec.js';

export const OP = {
  bindResponse: 0x61,
  searchResultEntry: 0x64,
  searchResultDone: 0x65,
  searchResultReference: 0x73,
  extendedResponse: 0x78,
  intermediateResponse: 0x79,
} as const;

export const START_TLS_OID = '1.3.6.1.4.1.1466.20037';
export const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036';

const CONTROLS_TAG = 0xa0;

export interface RawControl {
  readonly type: string;
  readonly critical: boolean;
  readonly value: Buffer | undefined;
}

/** One LDAPMessage: `op` is the protocolOp element (its tag says which operation). */
export interface LdapMessage {
  readonly messageId: number;
  readonly op: Tlv;
  readonly controls: readonly RawControl[];
}

export interface LdapResult {
  readonly code: number;
  readonly matchedDn: string;
  readonly diagnostic: string;
  /** Elements after the LDAPResult fields (e.g. an ExtendedResponse's name and value). */
  readonly rest: readonly Tlv[];
}

export interface DecodedEntry {
  readonly dn: string;
  readonly attributes: Record<string, string[]>;
}

export function decodeMessage(buffer: Buffer): LdapMessage {
  const envelope = expectTag(readSingle(buffer, 'LDAPMessage'), UNIVERSAL.sequence, 'LDAPMessage');
  const [idTlv, op, controlsTlv, ...extra] = readChildren(envelope.value);
  const messageId = decodeInteger(expectTag(idTlv, UNIVERSAL.integer, 'messageID'), 'messageID');
  if (op === undefined) throw new LdapProtocolError(`LDAPMessage ${messageId}: no protocolOp`);
  if (extra.length > 0) throw new LdapProtocolError(`LDAPMessage ${messageId}: unexpected trailing elements`);
  const controls = controlsTlv === undefined ? [] : decodeControls(expectTag(controlsTlv, CONTROLS_TAG, 'controls'));
  return { messageId, op, controls };
}

function decodeControls(tlv: Tlv): RawControl[] {
  return readChildren(tlv.value).map((control) => {
    const [typeTlv, ...rest] = readChildren(expectTag(control, UNIVERSAL.sequence, 'Control').value);
    const type = decodeUtf8(expectTag(typeTlv, UNIVERSAL.octetString, 'Control type'));
    let critical = false;
    let value: Buffer | undefined;
    for (const element of rest) {
      if (element.tag === UNIVERSAL.boolean && value === undefined)
        critical = decodeBoolean(element, 'Control criticality');
      else if (element.tag === UNIVERSAL.octetString && value === undefined) value = element.value;
      else throw new LdapProtocolError(`Control ${type}: unexpected element`);
    }
    return { type, critical, value };
  });
}

export function decodeResult(op: Tlv): LdapResult {
  const [codeTlv, matchedTlv, diagnosticTlv, ...rest] = readChildren(op.value);
  return {
    code: decodeInteger(expectTag(codeTlv, UNIVERSAL.enumerated, 'resultCode'), 'resultCode'),
    matchedDn: decodeUtf8(expectTag(matchedTlv, UNIVERSAL.octetString, 'matchedDN')),
    diagnostic: decodeUtf8(expectTag(diagnosticTlv, UNIVERSAL.octetString, 'diagnosticMessage')),
    rest,
  };
}

/** Attribute values are decoded as UTF-8 text: the listener requests no binary attributes. */
export function decodeEntry(op: Tlv): DecodedEntry {
  const [dnTlv, attributesTlv] = readChildren(op.value);
  const dn = decodeUtf8(expectTag(dnTlv, UNIVERSAL.octetString, 'entry DN'));
  const attributes: Record<string, string[]> = {};
  for (const attribute of readChildren(expectTag(attributesTlv, UNIVERSAL.sequence, 'entry attributes').value)) {
    const [typeTlv, valuesTlv] = readChildren(expectTag(attribute, UNIVERSAL.sequence, 'attribute').value);
    const type = decodeUtf8(expectTag(typeTlv, UNIVERSAL.octetString, 'attribute type'));
    const values = readChildren(expectTag(valuesTlv, UNIVERSAL.set, `values of ${type}`).value);
    attributes[type] = values.map((value) => decodeUtf8(expectTag(value, UNIVERSAL.octetString, `value of ${type}`)));
  }
  return { dn, attributes };
}

/** IntermediateResponse ::= [APPLICATION 25] SEQUENCE { responseName [0] OPTIONAL, responseValue [1] OPTIONAL } */
export function decodeIntermediate(op: Tlv): { name: string | undefined; value: Buffer | undefined } {
  let name: string | undefined;
  let value: Buffer | undefined;
  for (const element of readChildren(op.value)) {
    if (element.tag === 0x80 && name === undefined && value === undefined) name = decodeUtf8(element);
    else if (element.tag === 0x81 && value === undefined) value = element.value;
    else throw new LdapProtocolError('IntermediateResponse: unexpected element');
  }
  return { name, value };
}

/** The responseName of an ExtendedResponse ([10] after the LDAPResult). */
export function extendedResponseName(result: LdapResult): string | undefined {
  const nameTlv = result.rest.find((element) => element.tag === 0x8a);
  return nameTlv === undefined ? undefined : decodeUtf8(nameTlv);
}

export function encodeBind(messageId: number, dn: string, password: string): Buffer {
  return new BindRequest({ messageId, dn, password }).write();
}

export function encodeStartTls(messageId: number): Buffer {
  return new ExtendedRequest({ messageId, oid: START_TLS_OID }).write();
}

export function encodeUnbind(messageId: number): Buffer {
  return new UnbindRequest({ messageId }).write();
}

export interface SyncSearchParams {
  readonly baseDn: string;
  /** An RFC 4515 filter string; values inside must already be escaped. */
  readonly filter: string;
  readonly attributes: readonly string[];
  readonly sync: SyncRequestValue;
  /** Critical makes a server without syncprov fail with 12 instead of silently doing a plain search. */
  readonly critical: boolean;
}

export function encodeSyncSearch(messageId: number, params: SyncSearchParams): Buffer {
  return new SearchRequest({
    messageId,
    baseDN: params.baseDn,
    scope: 'sub',
    filter: FilterParser.parseString(params.filter),
    attributes: [...params.attributes],
    sizeLimit: 0,
    // ldapts defaults to 10 s; a persist search must never be cut off by the server.
    timeLimit: 0,
    controls: [new SyncRequestControl(params.sync, { critical: params.critical })],
  }).write();
}

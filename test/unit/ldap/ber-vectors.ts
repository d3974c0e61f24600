/** Hand-built BER for the syncrepl unit tests, written out byte by byte so they stay independent of the code under test. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  if (body.length > 0xffff) throw new Error('test vectors stay below 64 KiB');
  const length =
    body.length <= 0x7f
      ? [body.length]
      : body.length <= 0xff
        ? [0x81, body.length]
        : [0x82, body.length >> 8, body.length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

export const bytes = (...values: number[]): Buffer => Buffer.from(values);
export const octets = (text: string): Buffer => tlv(0x04, Buffer.from(text, 'latin1'));
/** Non-negative values below 0x8000 (enough for every LDAP result code). */
export const enumerated = (value: number): Buffer =>
  tlv(0x0a, value < 0x80 ? bytes(value) : bytes(value >> 8, value & 0xff));
export const boolean = (value: boolean): Buffer => tlv(0x01, bytes(value ? 0xff : 0x00));
export const sequence = (...content: Buffer[]): Buffer => tlv(0x30, ...content);

export const UUID_A = 'b4f3d2c1-0a1b-4c2d-8e3f-000102030405';
export const UUID_A_BYTES = bytes(
  0xb4,
  0xf3,
  0xd2,
  0xc1,
  0x0a,
  0x1b,
  0x4c,
  0x2d,
  0x8e,
  0x3f,
  0x00,
  0x01,
  0x02,
  0x03,
  0x04,
  0x05,
);
export const UUID_B = 'ffffffff-0000-1111-2222-abcdefabcdef';
export const UUID_B_BYTES = Buffer.from('ffffffff00001111' + '2222abcdefabcdef', 'hex');

import { describe, expect, it } from 'vitest';
import type { ExtensionRule } from '../../../app/core/rules.js';
import {
  applyTransforms,
  asciiLogin,
  internalExtension,
  phone,
  TRANSFORMS,
  trim,
} from '../../../app/core/transforms.js';

const THREE: ExtensionRule = { digits: 3, pool: undefined };

describe('trim', () => {
  it.each([
    ['  John   Doe  ', 'John Doe'],
    ['John\t\nDoe', 'John Doe'],
    ['   ', ''],
    ['plain', 'plain'],
  ])('turns %j into %j', (input, expected) => {
    expect(trim(input)).toBe(expected);
  });
});

describe('lowercase and uppercase', () => {
  it('lowercases J.Doe to j.doe', () => {
    expect(TRANSFORMS.lowercase('J.Doe', THREE)).toBe('j.doe');
  });
  it('uppercases j.doe to J.DOE', () => {
    expect(TRANSFORMS.uppercase('j.doe', THREE)).toBe('J.DOE');
  });
});

describe('phone', () => {
  it.each([
    ['0441 123456', '0441123456'],
    ['+49 (0)441 12345-101', '+4944112345101'],
    ['+49 441 / 123 45 - 101', '+4944112345101'],
    ['(0441) 123-456', '0441123456'],
    ['+1 (555) 010-9999', '+15550109999'],
    ['0441.123456', '0441123456'],
    ['n/a', ''],
    ['', ''],
  ])('normalises %j to %j', (input, expected) => {
    expect(phone(input)).toBe(expected);
  });
});

describe('internalExtension', () => {
  it.each([
    ['+49 441 12345-101', 3, '101'],
    ['+49 (0)441 12345-101', 3, '101'],
    ['0441 12345-7', 3, '7'],
    ['0441 123456', 3, '456'],
    ['0441-123456', 3, '456'],
    ['0441 12345-1010', 3, '010'],
    ['0441 123456', 4, '3456'],
    ['42', 3, '42'],
    ['101', 3, '101'],
    ['no number', 3, ''],
    ['0441 12345-', 3, '345'],
  ])('takes the internal part of %j with %i digits: %j', (input, digits, expected) => {
    expect(internalExtension(input, { digits, pool: undefined })).toBe(expected);
  });
});

describe('asciiLogin', () => {
  it.each([
    ['jörg', 'joerg'],
    ['müller', 'mueller'],
    ['käthe', 'kaethe'],
    ['straße', 'strasse'],
    ['Jürgen', 'Juergen'],
    ['josé', 'jose'],
    ['łukasz', 'lukasz'],
    ['søren', 'soren'],
    ['anna maria', 'anna.maria'],
    ['anna   maria', 'anna.maria'],
    ["o'brien", 'obrien'],
    ['a+b@c', 'abc'],
    ['j.doe_1-x', 'j.doe_1-x'],
  ])('turns %j into %j', (input, expected) => {
    expect(asciiLogin(input)).toBe(expected);
  });

  it('keeps capitals for the lowercase transform to handle', () => {
    expect(asciiLogin('Ötzi')).toBe('Oetzi');
  });
});

describe('applyTransforms', () => {
  it('applies transforms in the order listed', () => {
    expect(applyTransforms(' Jörg  Müller ', ['trim', 'asciiLogin', 'lowercase'], THREE)).toBe('joerg.mueller');
  });

  it('returns no value once a transform empties the value', () => {
    expect(applyTransforms('n/a', ['phone', 'internalExtension'], THREE)).toBe('');
  });

  it('leaves the value alone with no transforms', () => {
    expect(applyTransforms(' x ', [], THREE)).toBe(' x ');
  });
});

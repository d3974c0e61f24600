/** The users every browser test starts from: one with a password and full contact data, one plain, one with an umlaut. */
import type { Udm } from '../fixtures/udm.js';

export const JDOE_PASSWORD = 'jdoe-Pass-77';

export async function createSampleUsers(udm: Udm): Promise<void> {
  await udm.createUser({
    username: 'jdoe',
    firstname: 'John',
    lastname: 'Doe',
    password: JDOE_PASSWORD,
    activated: true,
    phone: ['+49 441 1234-101'],
    mailPrimaryAddress: 'jdoe@example.intranet',
    mobileTelephoneNumber: ['+49 170 1234567'],
  });
  await udm.createUser({
    username: 'asmith',
    firstname: 'Anna',
    lastname: 'Smith',
    activated: true,
    phone: ['+49 441 1234-102'],
  });
  await udm.createUser({ username: 'bmueller', firstname: 'Bernd', lastname: 'Müller', activated: true });
}

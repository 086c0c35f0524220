/**
 * Issue 12: a client sees only its own companies through every join. A contact shared with
 * another company used to show the client that company's name and account number (contact list,
 * contact detail, contact page), and an asset's contacts included people of other companies.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addAsset, addCompany, addContact } from './fixtures.js';

describe('client scope on every join', () => {
  let t: CodexHarness;
  let client: string;
  let shared: number;
  let ownAsset: number;
  before(async () => {
    t = await startCodex();
    const own = await addCompany(t.db, { accountNumber: 'OWN-1', name: 'Own Company' });
    const other = await addCompany(t.db, { accountNumber: 'SECRET-77', name: 'Other Confidential Corp' });
    await addContact(t.db, { name: 'Client Person', email: 'client@own.example', companyIds: [own] });
    shared = await addContact(t.db, {
      name: 'Shared Consultant',
      email: 'consultant@example.org',
      companyIds: [own, other],
    });
    const outsider = await addContact(t.db, {
      name: 'Outsider Person',
      email: 'outsider@other.example',
      companyIds: [other],
    });
    ownAsset = await addAsset(t.db, { companyId: own, hostname: 'OWN-WS1', contactIds: [shared, outsider] });
    await addAsset(t.db, { companyId: other, hostname: 'OTHER-WS1', contactIds: [shared] });
    client = await t.token('client', { email: 'client@own.example', sub: 'client-sub' });
  });
  after(async () => {
    await t.close();
  });

  it("shows a client only its own company on a shared contact's detail, in the API and on the page", async () => {
    const api = await t.app.inject({ url: `/api/contacts/${shared}`, headers: bearer(client) });
    assert.equal(api.statusCode, 200, api.body);
    const body = api.json<{ contact: { companies: { account_number: string }[] }; assets: { hostname: string }[] }>();
    assert.deepEqual(
      body.contact.companies.map((company) => company.account_number),
      ['OWN-1'],
    );
    assert.deepEqual(
      body.assets.map((asset) => asset.hostname),
      ['OWN-WS1'],
      "the other company's asset linked to the contact is not listed",
    );
    assert.doesNotMatch(api.body, /SECRET-77|Other Confidential|OTHER-WS1/);
    const page = await t.app.inject({ url: `/contacts/${shared}`, headers: bearer(client) });
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /SECRET-77|Other Confidential|OTHER-WS1/);
  });

  it('shows a client only its own companies in the contact list and page', async () => {
    const api = await t.app.inject({ url: '/api/contacts', headers: bearer(client) });
    assert.equal(api.statusCode, 200, api.body);
    const items = api.json<{ items: { name: string; companies: { account_number: string }[] }[] }>().items;
    assert.deepEqual(
      items.find((item) => item.name === 'Shared Consultant')?.companies.map((company) => company.account_number),
      ['OWN-1'],
    );
    assert.doesNotMatch(api.body, /SECRET-77|Other Confidential/);
    const page = await t.app.inject({ url: '/contacts', headers: bearer(client) });
    assert.doesNotMatch(page.body, /SECRET-77|Other Confidential/);
  });

  it("lists on a client's asset only the contacts of the client's companies", async () => {
    const api = await t.app.inject({ url: `/api/assets/${ownAsset}`, headers: bearer(client) });
    assert.equal(api.statusCode, 200, api.body);
    assert.deepEqual(
      api.json<{ contacts: { name: string }[] }>().contacts.map((contact) => contact.name),
      ['Shared Consultant'],
    );
    const staff = await t.app.inject({ url: `/api/assets/${ownAsset}`, headers: bearer(await t.token('technician')) });
    assert.deepEqual(
      staff
        .json<{ contacts: { name: string }[] }>()
        .contacts.map((contact) => contact.name)
        .sort(),
      ['Outsider Person', 'Shared Consultant'],
      'staff still see every contact',
    );
    const staffContact = await t.app.inject({
      url: `/api/contacts/${shared}`,
      headers: bearer(await t.token('technician')),
    });
    assert.equal(staffContact.json<{ contact: { companies: unknown[] } }>().contact.companies.length, 2);
  });
});

/** Billing types derived from RMM device kinds, and the override winning over them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  deriveBillingType,
  describeRmmDeviceType,
  effectiveBillingType,
  isBillingType,
} from '../../src/domain/billing-type.js';

describe('billing type derivation', () => {
  const cases: [string, Parameters<typeof deriveBillingType>[0], string][] = [
    ['a desktop', { category: 'Desktop', subtype: 'Desktop' }, 'workstation'],
    ['a laptop', { category: 'Laptop' }, 'workstation'],
    ['a server', { category: 'Server', subtype: 'Server' }, 'server'],
    ['an ESXi host', { category: 'ESXi Host' }, 'server'],
    [
      'a VM declared in a UDF wins over the Server category',
      { declared: 'Virtual Machine', category: 'Server' },
      'virtual_machine',
    ],
    ['a Hyper-V guest', { declared: 'Hyper-V Guest' }, 'virtual_machine'],
    ['a network firewall', { category: 'Network Device', subtype: 'Firewall' }, 'firewall'],
    ['a network switch', { category: 'Network Device', subtype: 'Switch' }, 'switch'],
    ['a router is not billed', { category: 'Network Device', subtype: 'Router' }, 'not_billed'],
    ['an unspecified network device is not billed', { category: 'Network Device' }, 'not_billed'],
    ['a printer', { category: 'Printer', subtype: 'Printer' }, 'not_billed'],
    ['a mobile device', { category: 'Mobile Device' }, 'not_billed'],
    [
      'a declared type we do not know falls back to the category',
      { declared: 'Gizmo 3000', category: 'Server' },
      'server',
    ],
    ['nothing known is a workstation', {}, 'workstation'],
    ['case and spacing do not matter', { category: '  sErVeR ' }, 'server'],
  ];
  for (const [name, kind, expected] of cases) {
    it(name, () => assert.equal(deriveBillingType(kind), expected));
  }

  it('describes the RMM type as people read it', () => {
    assert.equal(
      describeRmmDeviceType({ category: 'Network Device', subtype: 'Firewall' }),
      'Network Device / Firewall',
    );
    assert.equal(describeRmmDeviceType({ category: 'Server', subtype: 'Server' }), 'Server');
    assert.equal(describeRmmDeviceType({ declared: 'Virtual Machine', category: 'Server' }), 'Virtual Machine');
    assert.equal(describeRmmDeviceType({}), null);
  });

  it('lets an override win and falls back to the derived type', () => {
    assert.equal(effectiveBillingType('workstation', 'server'), 'server');
    assert.equal(effectiveBillingType('switch', null), 'switch');
    assert.ok(isBillingType('not_billed'));
    assert.ok(!isBillingType('Workstation'));
  });
});

/**
 * Ledger's invoice documents (issue 17): the cost of one PDF with pdf-lib and DejaVu Sans (fonts
 * embedded as subsets), for a typical bill and a long one, and of a month's ZIP of draft invoices
 * (a PDF and a CSV per client, yazl). In-process, no database or codex: the bills are computed by
 * the engine from generated inputs with Latin, Greek and Cyrillic names.
 *
 * Usage: tsx bench/invoice-pdf.ts [--clients N (the ZIP, default 200)] [--runs N (PDFs per kind, default 40)]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { computeBill, periodKey, type BillInput } from '../services/ledger/src/engine/index.js';
import { billCsv, billPdf, invoiceNumber, type InvoiceIssuer } from '../services/ledger/src/invoicing/index.js';
import { createZip, type ZipEntry } from '../services/ledger/src/invoicing/zip.js';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '200' }, runs: { type: 'string', default: '40' } },
});
const clients = Number(values.clients);
const runs = Number(values.runs);
const period = { year: 2025, month: 10 };
const issuer: InvoiceIssuer = {
  name: 'Northwind IT Services',
  addressLines: ['12 Harbour Road', 'Portland, OR 97201'],
  email: 'billing@northwind.test',
};
const NAMES = ['Łukasz Wróblewski', 'Ørsted Ærø', 'Şahin Öztürk', 'Дмитрий Иванов', 'Αθηνά Παπά', 'Jane Doe'];
const RATES = {
  perUser: 5000,
  perWorkstation: 7500,
  perServer: 15000,
  perVirtualMachine: 10000,
  perSwitch: 2500,
  perFirewall: 5000,
  perHour: 10000,
  backupBaseWorkstation: 2000,
  backupBaseServer: 4000,
  backupPerTb: 1500,
  backupIncludedTb: 1,
};

function input(account: number, users: number, devices: number): BillInput {
  return {
    period,
    client: {
      accountNumber: String(account),
      name: `${NAMES[account % NAMES.length] ?? ''} Holdings ${account}`,
      planName: 'Basic Support',
      term: '1 Year',
      contractStart: null,
    },
    planRates: RATES,
    rateOverrides: {},
    prepaidHours: { monthly: 0, yearly: 0 },
    users: Array.from({ length: users }, (_, i) => ({
      id: `contact:${i}`,
      name: `${NAMES[i % NAMES.length] ?? ''} ${i}`,
      source: 'codex' as const,
      active: true,
      isAgent: false,
      billingType: 'paid' as const,
      customCents: null,
    })),
    devices: Array.from({ length: devices }, (_, i) => ({
      id: `asset:${i}`,
      hostname: `WS-${i}`,
      source: 'codex' as const,
      active: true,
      billingType: 'workstation' as const,
      customCents: null,
      backupBytes: 0,
    })),
    timeEntries: [{ id: 1, ticketNumber: '1', entryDate: '2025-10-03', minutes: 135, billable: true }],
    priorMonths: [],
    lineItems: [],
  };
}

async function pdfOf(bill: BillInput): Promise<Buffer> {
  return billPdf({
    input: bill,
    result: computeBill(bill),
    invoiceNumber: invoiceNumber(bill.client.accountNumber, period, 1),
    issuer,
    notes: null,
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Milliseconds of CPU this process used (user + system): steadier than wall time on a shared machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function timePdfs(label: string, bill: BillInput): Promise<number> {
  const times: number[] = [];
  let size = 0;
  const cpuStart = cpuMs();
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    size = (await pdfOf(bill)).length;
    times.push(performance.now() - start);
  }
  const cpu = (cpuMs() - cpuStart) / runs;
  console.log(
    `${label}: median ${median(times).toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU per PDF over ${runs} (${(size / 1024).toFixed(0)} KiB)`,
  );
  return cpu;
}

const coldStart = performance.now();
await pdfOf(input(1, 10, 10));
const cold = performance.now() - coldStart;
console.log(`first PDF of the process (reads and parses the two fonts): ${cold.toFixed(0)} ms wall`);
const typical = await timePdfs('typical bill (10 users, 10 devices: 1 page)', input(2, 10, 10));
const long = await timePdfs('long bill (60 users, 60 devices: 4 pages)', input(3, 60, 60));

const start = performance.now();
const zipCpuStart = cpuMs();
const entries: ZipEntry[] = [];
for (let account = 100; account < 100 + clients; account += 1) {
  const bill = input(account, 5 + (account % 30), 5 + (account % 40));
  const result = computeBill(bill);
  const number = invoiceNumber(bill.client.accountNumber, period, 1);
  entries.push({
    name: `${bill.client.name}_${account}_${periodKey(period)}.csv`,
    data: billCsv({ input: bill, result, invoiceNumber: number }),
  });
  entries.push({
    name: `${bill.client.name}_${account}_${periodKey(period)}.pdf`,
    data: await billPdf({ input: bill, result, invoiceNumber: number, issuer, notes: null }),
  });
}
const zip = await createZip(entries, new Date(2025, 9, 31));
const zipMs = performance.now() - start;
const zipCpu = cpuMs() - zipCpuStart;
console.log(
  `draft ZIP of ${clients} clients: ${zipMs.toFixed(0)} ms wall, ${zipCpu.toFixed(0)} ms CPU (${(zipCpu / clients).toFixed(1)} ms CPU per client, ${(zip.length / 1024 / 1024).toFixed(1)} MiB); projected CPU for 1,000 clients: ${(zipCpu / clients).toFixed(1)} s`,
);
console.log(`ratios (CPU): long/typical ${(long / typical).toFixed(2)}`);

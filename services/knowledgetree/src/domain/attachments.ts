/**
 * Attachments, stored in PostgreSQL (backups and several instances need no shared disk) as
 * 256 KiB chunks written while the upload streams in and read back one at a time when served:
 * a 50 MB file never sits whole in memory. Each file's sha256 is kept. The type is decided by the
 * content (magic bytes, or UTF-8 text) and must agree with the name's extension; SVG and HTML are
 * refused, since served from our origin they could run script.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../db/index.js';
import { getNode } from './nodes.js';
import { one, rows, type Executor } from './sql.js';
import { assertWritable } from './writable.js';
import { actorSub, type Viewer } from './viewer.js';

const CHUNK = 256 * 1024;

type Kind = 'png' | 'jpeg' | 'gif' | 'webp' | 'pdf' | 'zip' | 'text';

const KIND_OF_EXTENSION: Readonly<Record<string, Kind>> = {
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
  pdf: 'pdf',
  zip: 'zip',
  docx: 'zip',
  xlsx: 'zip',
  pptx: 'zip',
  txt: 'text',
  md: 'text',
  csv: 'text',
  json: 'text',
  xml: 'text',
  log: 'text',
  yaml: 'text',
  yml: 'text',
  conf: 'text',
  ini: 'text',
  ps1: 'text',
  sh: 'text',
};

const CONTENT_TYPE: Readonly<Record<Kind, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  text: 'text/plain; charset=utf-8',
};

const OFFICE: Readonly<Record<string, string>> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** The kind of a file from its first bytes. */
export function sniff(head: Buffer): Kind | 'unknown' {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (head.subarray(0, 6).toString('latin1') === 'GIF87a' || head.subarray(0, 6).toString('latin1') === 'GIF89a')
    return 'gif';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'webp';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'zip';
  if (!head.includes(0) && isUtf8Prefix(head)) return 'text';
  return 'unknown';
}

/** Valid UTF-8, allowing a multi-byte character cut at the end of the sample. */
function isUtf8Prefix(head: Buffer): boolean {
  for (let cut = 0; cut < 4 && cut <= head.length; cut += 1) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try without the last bytes
    }
  }
  return false;
}

/** A file name safe to store and show: no directories, no control characters, at most 255 characters. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  let clean = '';
  for (const char of base) if (char.charCodeAt(0) >= 32 && char !== '\u007f') clean += char;
  clean = clean.trim().replace(/^\.+/, '').slice(0, 255);
  return clean === '' ? 'file' : clean;
}

/** RFC 6266 Content-Disposition: an ASCII fallback and the UTF-8 name (RFC 8187), both quoted safely. */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export interface AttachmentInfo {
  id: string;
  node_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  created_at: Date;
}

/** Thrown by the upload stream when it passes the configured size. */
export class TooLarge extends AppError {
  constructor(max: number) {
    super('payload_too_large', `Attachments are limited to ${max} bytes`);
  }
}

/**
 * Stores one uploaded file for node `nodeId`, reading `stream` chunk by chunk inside one
 * transaction: a failure (too large, wrong type, connection lost) leaves nothing behind.
 */
export async function storeAttachment(
  db: KnowledgetreeDb,
  viewer: Viewer,
  nodeId: string,
  file: { filename: string; stream: AsyncIterable<Buffer>; id?: string },
  now: Date,
): Promise<AttachmentInfo> {
  const filename = safeFilename(file.filename);
  const extension = filename.includes('.') ? (filename.split('.').pop() ?? '').toLowerCase() : '';
  const expected = KIND_OF_EXTENSION[extension];
  if (expected === undefined)
    throw new AppError('unsupported_media_type', `Files of type ".${extension}" are not accepted`);
  return db.transaction(async (tx) => {
    const node = await getNode(tx, viewer, nodeId, 'share');
    assertWritable(viewer, node);
    const created = await one<{ id: string }>(
      tx,
      sql`INSERT INTO attachments (id, node_id, filename, content_type, created_by, created_at)
          VALUES (coalesce(${file.id ?? null}::uuid, gen_random_uuid()), ${node.id}, ${filename}, 'application/octet-stream', ${actorSub(viewer)}, ${now}) RETURNING id`,
    );
    if (created === undefined) throw new AppError('internal', 'insert returned no row');
    const hash = createHash('sha256');
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    let size = 0;
    let kind: Kind | 'unknown' | undefined;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      if (kind === undefined) {
        kind = sniff(data.subarray(0, 4096));
        if (kind !== expected)
          throw new AppError('unsupported_media_type', `The content of "${filename}" is not a .${extension} file`);
      }
      await tx.execute(
        sql`INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (${created.id}, ${seq}, ${data})`,
      );
      seq += 1;
    };
    for await (const chunk of file.stream) {
      hash.update(chunk);
      size += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK) await flush();
    }
    await flush();
    if (size === 0) throw new AppError('validation_failed', `"${filename}" is empty`);
    const contentType = OFFICE[extension] ?? CONTENT_TYPE[expected];
    const sha256 = hash.digest('hex');
    await tx.execute(
      sql`UPDATE attachments SET size = ${size}, sha256 = ${sha256}, content_type = ${contentType}, complete = true WHERE id = ${created.id}`,
    );
    return { id: created.id, node_id: node.id, filename, content_type: contentType, size, sha256, created_at: now };
  });
}

/** The attachments of a visible node. */
export async function listAttachments(db: Executor, viewer: Viewer, nodeId: string): Promise<AttachmentInfo[]> {
  const node = await getNode(db, viewer, nodeId);
  return rows<AttachmentInfo>(
    db,
    sql`SELECT id, node_id, filename, content_type, size::float8 AS size, sha256, created_at FROM attachments
        WHERE node_id = ${node.id} AND complete ORDER BY created_at, filename`,
  );
}

/** An attachment whose node the viewer can see (else 404). */
export async function findAttachment(db: Executor, viewer: Viewer, id: string): Promise<AttachmentInfo> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('not_found', 'No such attachment');
  const row = await one<AttachmentInfo>(
    db,
    sql`SELECT id, node_id, filename, content_type, size::float8 AS size, sha256, created_at FROM attachments WHERE id = ${id} AND complete`,
  );
  if (row === undefined) throw new AppError('not_found', 'No such attachment');
  await getNode(db, viewer, row.node_id).catch(() => {
    throw new AppError('not_found', 'No such attachment');
  });
  return row;
}

/** The content as a stream that fetches one chunk at a time. */
export function attachmentStream(db: Executor, id: string): Readable {
  let seq = 0;
  return Readable.from(
    (async function* chunks() {
      for (;;) {
        const chunk = await one<{ data: Buffer }>(
          db,
          sql`SELECT data FROM attachment_chunks WHERE attachment_id = ${id} AND seq = ${seq}`,
        );
        if (chunk === undefined) return;
        seq += 1;
        yield chunk.data;
      }
    })(),
  );
}

export async function deleteAttachment(db: KnowledgetreeDb, viewer: Viewer, id: string): Promise<void> {
  const attachment = await findAttachment(db, viewer, id);
  await db.transaction(async (tx) => {
    const node = await getNode(tx, viewer, attachment.node_id, 'share');
    assertWritable(viewer, node);
    await tx.execute(sql`DELETE FROM attachments WHERE id = ${id}`);
  });
}

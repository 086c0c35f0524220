/**
 * Size-based log rotation for the output of service processes: `<service>.log` grows to
 * `maxBytes`, then becomes `<service>.log.1` (older ones shift to .2 … .keep, the oldest is
 * deleted). Writes are synchronous appends, so lines from one process stay in order and nothing
 * is buffered in helm when it stops.
 */
import {
  closeSync,
  copyFileSync,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** Rotation limits. */
export interface RotationOptions {
  maxBytes: number;
  /** Rotated files kept besides the current one. */
  keep: number;
}

/** Shifts `file.1 … file.(keep-1)` up by one and drops `file.keep`. */
function shiftRotated(file: string, keep: number): void {
  rmSync(`${file}.${keep}`, { force: true });
  for (let index = keep - 1; index >= 1; index -= 1) {
    try {
      renameSync(`${file}.${index}`, `${file}.${index + 1}`);
    } catch {
      // A missing generation is fine.
    }
  }
}

/** An append-only log file that rotates itself by size. */
export class RotatingLog {
  private fd: number | undefined;
  private size = 0;

  constructor(
    readonly file: string,
    private readonly options: RotationOptions,
  ) {}

  private open(): number {
    if (this.fd === undefined) {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o750 });
      this.fd = openSync(this.file, 'a', 0o640);
      this.size = fstatSync(this.fd).size;
    }
    return this.fd;
  }

  /** Appends `chunk`; rotates first when the file has reached its size. */
  write(chunk: string | Buffer): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.size >= this.options.maxBytes) this.rotate();
    const fd = this.open();
    writeSync(fd, data);
    this.size += data.length;
  }

  /** Moves the current file to `.1` and starts a new one. */
  rotate(): void {
    this.close();
    shiftRotated(this.file, this.options.keep);
    try {
      renameSync(this.file, `${this.file}.1`);
    } catch {
      // Nothing written yet.
    }
    this.size = 0;
  }

  /** Closes the file (a later write reopens it). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Rotates a file another process writes to (helm's own output, which the launcher handed to the
 * daemon as its stdout): copy, then truncate in place. The writer opened it with O_APPEND, so it
 * goes on at the new end. A line written between the copy and the truncation can be lost; that
 * is the usual price of copy-truncate rotation, paid at most once per rotation.
 */
export function rotateInPlace(file: string, options: RotationOptions): boolean {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size < options.maxBytes) return false;
  shiftRotated(file, options.keep);
  copyFileSync(file, `${file}.1`);
  truncateSync(file, 0);
  return true;
}

/** The last `count` lines of a log (looking into `.1` when the current file is short). */
export function tailLines(file: string, count: number, maxBytes = 64 * 1024): string[] {
  const lines: string[] = [];
  for (const candidate of [file, `${file}.1`]) {
    let fd: number;
    try {
      fd = openSync(candidate, 'r');
    } catch {
      continue;
    }
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      const text = buffer
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
      // The first line of a partial read may be cut; drop it unless we read the whole file.
      if (length < size) text.shift();
      lines.unshift(...text);
    } finally {
      closeSync(fd);
    }
    if (lines.length >= count) break;
  }
  return lines.slice(-count);
}

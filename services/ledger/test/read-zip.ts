/**
 * Reads a ZIP back with yauzl (a reader independent of the writer), every entry's CRC checked.
 * yauzl refuses entry names that are absolute or climb out of the folder (`../x`), as a careful
 * extractor does, so a ZIP-slip name fails the read.
 */
import yauzl from 'yauzl';

export async function readZip(zip: Buffer): Promise<{ name: string; data: Buffer; modified: Date }[]> {
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (error, opened) =>
      error === null ? resolve(opened) : reject(error),
    );
  });
  const entries: { name: string; data: Buffer; modified: Date }[] = [];
  await new Promise<void>((resolve, reject) => {
    file.on('error', reject);
    file.on('end', () => resolve());
    file.on('entry', (entry: yauzl.Entry) => {
      file.openReadStream(entry, (error, stream) => {
        if (error !== null) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.push({ name: entry.fileName, data: Buffer.concat(chunks), modified: entry.getLastModDate() });
          file.readEntry();
        });
      });
    });
    file.readEntry();
  });
  return entries;
}

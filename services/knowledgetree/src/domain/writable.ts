/**
 * Whether a viewer may change a node: asked by every write (tree changes, saving a revision,
 * attachments, an import). It sits below both the tree and the revisions, which call each other's
 * work (creating a page saves its first revision; saving checks the node is writable).
 */
import { AppError } from '@hivematrix/sdk';
import type { NodeRecord } from './nodes.js';
import { canWrite, type Viewer } from './viewer.js';

export interface WriteOptions {
  /** The codex job writes inside its read-only subtrees; nothing else may. */
  allowReadOnly?: boolean;
}

/** Throws unless the viewer may change `node`. */
export function assertWritable(viewer: Viewer, node: NodeRecord, options: WriteOptions = {}): void {
  if (!canWrite(viewer)) throw new AppError('forbidden', 'You can read the knowledge base but not change it');
  if (node.eff_read_only && options.allowReadOnly !== true) {
    throw new AppError('forbidden', `"${node.title}" is in a read-only folder`);
  }
}

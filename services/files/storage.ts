import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Files live on disk under random names; the database keeps the name the citizen gave, so
 * nothing a user typed ever becomes part of a path.
 */
export type StoredBlob = { storageKey: string; sha256: string; sizeBytes: number };

const KEY = /^[0-9a-f-]{36}$/;

function pathOf(uploadDir: string, storageKey: string): string {
  // Keys are ours, but a corrupted row must still not reach outside the upload directory.
  if (!KEY.test(storageKey)) throw new Error(`invalid storage key ${storageKey}`);
  return path.join(uploadDir, storageKey.slice(0, 2), storageKey);
}

export async function writeBlob(uploadDir: string, bytes: Uint8Array): Promise<StoredBlob> {
  const storageKey = randomUUID();
  const file = pathOf(uploadDir, storageKey);
  // 'wx': a random name that already exists means something is badly wrong; never overwrite.
  const write = () => fs.writeFile(file, bytes, { flag: 'wx', mode: 0o640 });
  try {
    await write();
  } catch (e) {
    // The first file under this two-character prefix: its directory is made then, not before every write.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await write();
  }
  return { storageKey, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.byteLength };
}

export async function readBlob(uploadDir: string, storageKey: string): Promise<Buffer> {
  return fs.readFile(pathOf(uploadDir, storageKey));
}

/** Best-effort cleanup of blobs whose database rows were rolled back. */
export async function removeBlobs(uploadDir: string, storageKeys: readonly string[]): Promise<void> {
  await Promise.all(storageKeys.map((k) => fs.rm(pathOf(uploadDir, k), { force: true }).catch(() => undefined)));
}

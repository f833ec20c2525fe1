import { describe, expect, it } from 'vitest';
import { createUploadReceiver, type UploadPart } from '../../services/files/upload-receiver.js';
import { isDomainError } from '../../services/errors.js';

const limits = { maxFileBytes: 100, maxFilesPerRequest: 2, maxRequestBytes: 250 };

async function* chunks(bytes: number, size = 40): AsyncIterable<Uint8Array> {
  for (let left = bytes; left > 0; left -= size) yield new Uint8Array(Math.min(size, left)).fill(0x41);
}
const text = (name: string, value: string): UploadPart => ({
  name,
  contentType: 'text/plain',
  data: (async function* () {
    yield new TextEncoder().encode(value);
  })(),
});
const file = (name: string, bytes: number, filename = `${name}.pdf`): UploadPart => ({ name, filename, contentType: 'application/pdf', data: chunks(bytes) });

describe('upload receiver', () => {
  it('keeps text fields and files within the limits', async () => {
    const r = createUploadReceiver(limits);
    expect(await r.handle(text('reason', '办理'))).toBe('办理');
    expect(await r.handle(file('material.a', 100))).toBeUndefined();
    expect(r.files).toEqual([expect.objectContaining({ field: 'material.a', originalName: 'material.a.pdf' })]);
    expect(r.files[0].bytes.byteLength).toBe(100);
    expect(r.problems).toEqual([]);
  });

  it('notes an oversized file without throwing, keeps later text fields, and then holds no file bytes', async () => {
    const r = createUploadReceiver(limits);
    await r.handle(file('material.a', 101));
    expect(await r.handle(text('reason', 'renewing'))).toBe('renewing');
    await r.handle(file('material.b', 10));
    expect(r.problems).toEqual([{ field: 'material.a', code: 'tooLarge' }]);
    expect(r.files).toEqual([]);
  });

  it('ignores an empty file input and counts files and total bytes per request', async () => {
    const r = createUploadReceiver(limits);
    await r.handle(file('material.a', 0, ''));
    await r.handle(file('material.b', 90));
    await r.handle(file('material.c', 90));
    await r.handle(file('material.d', 10));
    expect(r.problems).toEqual([{ field: 'material.d', code: 'tooMany' }]);

    const total = createUploadReceiver({ ...limits, maxFilesPerRequest: 10 });
    for (const f of ['a', 'b', 'c']) await total.handle(file(`material.${f}`, 90));
    expect(total.problems).toEqual([{ field: 'material.c', code: 'requestTooLarge' }]);
  });

  it('refuses two files for one field and over-long text values', async () => {
    const r = createUploadReceiver(limits);
    await r.handle(file('material.a', 10));
    await r.handle(file('material.a', 10));
    expect(r.problems).toEqual([{ field: 'material.a', code: 'duplicate' }]);
    const t = createUploadReceiver({ ...limits, maxRequestBytes: 100_000 });
    expect(await t.handle(text('reason', 'x'.repeat(20_000)))).toBeUndefined();
    expect(t.problems).toEqual([{ field: 'reason', code: 'textTooLong' }]);
  });

  it('stops reading a request far beyond the limit with a 413', async () => {
    const r = createUploadReceiver(limits);
    const e = await r.handle(file('material.a', 2000)).catch((x: unknown) => x);
    expect(isDomainError(e) && e.status === 413 && e.code === 'upload.requestTooLarge').toBe(true);
  });
});

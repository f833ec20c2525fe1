import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import type { OneWindowContext } from '../../app/load-context.js';

const BASE = 'http://localhost:3000';

type Init = { cookie?: string; headers?: Record<string, string>; lng?: string };

export function get(path: string, init: Init = {}): Request {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('Cookie', init.cookie);
  headers.set('Accept-Language', init.lng ?? 'zh-CN');
  return new Request(BASE + path, { headers });
}

/** A form POST; values that are File/Blob make it multipart, as the browser would. */
export function post(path: string, fields: Record<string, string | Blob | (string | Blob)[]>, init: Init = {}): Request {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('Cookie', init.cookie);
  headers.set('Accept-Language', init.lng ?? 'zh-CN');
  headers.set('Origin', BASE);
  const hasFile = Object.values(fields).some((v) => (Array.isArray(v) ? v.some((x) => x instanceof Blob) : v instanceof Blob));
  let body: FormData | URLSearchParams;
  if (hasFile) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
    body = fd;
  } else {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x as string);
    body = sp;
  }
  return new Request(BASE + path, { method: 'POST', headers, body });
}

/** Calls a loader or action as Remix would, returning the Response whether it was returned or thrown. */
export async function run(
  fn: (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown,
  request: Request,
  context: OneWindowContext,
  params: Record<string, string> = {},
): Promise<Response> {
  try {
    const out = await fn({ request, context, params });
    if (out instanceof Response) return out;
    return new Response(JSON.stringify(out), { status: 200, headers: { 'Content-Type': 'application/json' } });
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}

/** Minimal PDF/JPEG/PNG files whose first bytes say what they are. */
export const files = {
  pdf: (name = 'doc.pdf', size = 1024) => new File([pad(Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1'), size)], name, { type: 'application/pdf' }),
  png: (name = 'photo.png', size = 1024) =>
    new File([pad(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), size)], name, { type: 'image/png' }),
  jpeg: (name = 'scan.jpg', size = 1024) => new File([pad(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]), size)], name, { type: 'image/jpeg' }),
  /** Text renamed to .pdf and labelled as a PDF: only the bytes tell. */
  fakePdf: (name = 'fake.pdf') => new File([Buffer.from('this is not a pdf at all')], name, { type: 'application/pdf' }),
};

function pad(head: Buffer, size: number): Buffer {
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);
}

import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { createInstance } from 'i18next';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resources } from '../../locales/index.js';
import { i18nConfig } from '../../app/i18n.js';
import { ErrorSummary, Honeypot, RadioGroup, TextField, translateError } from '../../app/components/forms/index.js';
import { idNumber, mobile, text } from '../../services/validation/zod.js';
import { idCheckCharacter } from '../../services/validation/identifiers.js';

const schema = z.object({ realName: text(50), idNumber: idNumber('2026-11-23'), mobile: mobile(), kind: z.enum(['a', 'b']) });

function Demo({ lastResult }: { lastResult: SubmissionResult<string[]> }) {
  const [form, fields] = useForm({ id: 'demo', lastResult });
  return (
    <form {...getFormProps(form)} noValidate>
      <ErrorSummary
        form={form}
        fields={[
          { meta: fields.realName, label: 'Name' },
          { meta: fields.idNumber, label: 'ID number' },
          { meta: fields.mobile, label: 'Mobile' },
          { meta: fields.kind, label: 'Kind' },
        ]}
      />
      <TextField meta={fields.realName} label="Name" required />
      <TextField meta={fields.idNumber} label="ID number" hint="18 characters" required />
      <TextField meta={fields.mobile} label="Mobile" type="tel" />
      <RadioGroup meta={fields.kind} legend="Kind" options={[{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }]} />
      <Honeypot />
    </form>
  );
}

/** The attributes of the element with this id in server-rendered HTML (no DOM in the node test env). */
function attrs(html: string, id: string): Record<string, string> | null {
  const m = new RegExp(`<(\\w+)([^>]*\\sid="${id}"[^>]*)>`).exec(html);
  if (!m) return null;
  const out: Record<string, string> = { tag: m[1] };
  for (const a of m[2].matchAll(/([\w-]+)="([^"]*)"/g)) out[a[1].toLowerCase()] = a[2];
  return out;
}
async function renderHtml(fields: Record<string, string>, extra?: { formErrors: string[] }) {
  const submission = parseWithZod(new URLSearchParams(fields), { schema });
  const lastResult = extra ? submission.reply(extra) : submission.reply();
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: 'en', resources });
  return renderToString(
    <I18nextProvider i18n={i18n}>
      <Demo lastResult={lastResult} />
    </I18nextProvider>,
  );
}

describe('form components: error wiring', () => {
  it('marks invalid fields, points aria-describedby at existing hint and error ids, and links the summary to the fields', async () => {
    const html = await renderHtml({ realName: '', idNumber: '110101199003070010', mobile: '13800138000' });

    const name = attrs(html, 'demo-realName')!;
    expect(name['aria-invalid']).toBe('true');
    expect(name['aria-describedby']).toBe('demo-realName-error');
    expect(attrs(html, 'demo-realName-error')).not.toBeNull();

    const id = attrs(html, 'demo-idNumber')!;
    expect(id['aria-invalid']).toBe('true');
    const described = id['aria-describedby'].split(' ');
    expect(described).toEqual(['demo-idNumber-description', 'demo-idNumber-error']);
    for (const ref of described) expect(attrs(html, ref), ref).not.toBeNull();
    expect(html).toContain('The check character of this ID number is wrong');
    expect(id.value).toBe('110101199003070010');

    // A valid field is neither marked nor described by an error.
    const mob = attrs(html, 'demo-mobile')!;
    expect(mob['aria-invalid']).toBeUndefined();
    expect(mob['aria-describedby']).toBeUndefined();

    const summary = /<div class="error-summary" role="alert"[\s\S]*?<\/div>/.exec(html)![0];
    // The page may load no JavaScript (decision 0044): the summary takes focus as the server renders it.
    const open = /^<div [^>]*>/.exec(summary)![0];
    expect(open).toContain('autofocus=""');
    expect(open).toContain('tabindex="-1"');
    const links = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(['demo-realName', 'demo-idNumber', 'demo-kind']);
    for (const target of links) expect(attrs(html, target), target).not.toBeNull();
    // The radio group's link lands on its first radio, inside a fieldset described by the error.
    expect(attrs(html, 'demo-kind')!.type).toBe('radio');
    expect(html).toMatch(/<fieldset class="field" aria-describedby="demo-kind-error">/);
  });

  it('shows form-level errors (namespaced keys) in the summary, and renders nothing when all is well', async () => {
    const ok = { realName: '张三', idNumber: `11010119900307001${idCheckCharacter('11010119900307001')}`, mobile: '13800138000', kind: 'a' };
    const clean = await renderHtml(ok);
    expect(clean).not.toContain('error-summary');
    expect(clean).not.toContain('aria-invalid');

    const withFormError = await renderHtml(ok, { formErrors: ['errors:account.exists'] });
    expect(withFormError).toContain('role="alert"');
    expect(withFormError).toContain('A new account cannot be created with this ID number and mobile number.');
  });

  it('keeps the honeypot out of reach of people', async () => {
    const html = await renderHtml({});
    const hp = attrs(html, 'hp-website')!;
    expect(hp.name).toBe('website');
    expect(hp.tabindex).toBe('-1');
    expect(hp.autocomplete).toBe('off');
    expect(html).toMatch(/<div class="honeypot" aria-hidden="true">/);
  });

  it('translateError looks in validation first, then errors, and takes namespaced keys as they are', async () => {
    const i18n = createInstance();
    await i18n.init({ ...i18nConfig, lng: 'zh-CN', resources });
    expect(translateError(i18n.t, 'required')).toBe('此项为必填项。');
    expect(translateError(i18n.t, 'auth.invalidCredentials')).toBe('账号或密码不正确。');
    expect(translateError(i18n.t, 'errors:notFound')).toBe('未找到您要的内容。');
    expect(translateError(i18n.t, 'errors:auth.tooManyAttempts|{"seconds":30}')).toBe('登录尝试过于频繁，请 30 秒后再试。');
  });
});

import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { publishedKeys } from '#services/documents/signing-keys';
import { PreScroll } from '~/components/scroll-region';
import { getFixedT } from '~/i18next.server';

export const handle = { i18n: ['common', 'verify'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The public halves of the document signing keys (decision 0034): anyone can verify a PDF offline. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const t = await getFixedT(request, ['verify', 'common']);
  return json({ keys: publishedKeys(context.config.signingKeys), title: `${t('verify:keys.title')} - ${t('common:siteName')}` });
}

const HOW_TO = `base64 -d sig.b64 > sig.bin
openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in document.pdf -sigfile sig.bin`;

export default function SigningKeysPage() {
  const { keys } = useLoaderData<typeof loader>();
  const { t } = useTranslation(['verify']);
  return (
    <div className="container narrow">
      <h1>{t('verify:keys.title')}</h1>
      <p className="lead">{t('verify:keys.intro')}</p>
      {keys.length === 0 && <p className="card">{t('verify:keys.none')}</p>}
      {keys.map((k) => (
        <section key={k.id} className="card" aria-labelledby={`key-${k.id}`}>
          <h2 id={`key-${k.id}`}>
            {k.id} ({k.current ? t('verify:keys.current') : t('verify:keys.previous')})
          </h2>
          <PreScroll label={t('verify:keys.pemLabel', { id: k.id })}>{k.pem}</PreScroll>
        </section>
      ))}
      <p>{t('verify:keys.howTo')}</p>
      <PreScroll label={t('verify:keys.commandLabel')}>{HOW_TO}</PreScroll>
    </div>
  );
}

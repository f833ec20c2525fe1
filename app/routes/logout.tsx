import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { SubmitButton } from '~/components/forms';
import { getFixedT } from '~/i18next.server';
import { endSession, getActor } from '~/utils/session.server';

export const handle = { i18n: ['common', 'auth'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** GET never signs anyone out (a link or prefetch must not): it asks, and the POST does it. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await getActor(request, context);
  if (actor.kind !== 'user') throw redirect('/');
  const t = await getFixedT(request, ['auth', 'common']);
  return json({ title: `${t('auth:logout.title')} - ${t('common:siteName')}` });
}

/** Revokes the server-side session, so a copied cookie is worthless, and clears the cookie. */
export async function action({ request, context }: ActionFunctionArgs) {
  return redirect('/', { headers: { 'Set-Cookie': await endSession(request, context) } });
}

export default function Logout() {
  const { t } = useTranslation(['auth', 'common']);
  return (
    <div className="container narrow">
      <h1>{t('logout.title')}</h1>
      <Form method="post" className="card form">
        <p>{t('logout.confirm')}</p>
        <div className="actions">
          <SubmitButton>{t('logout.submit')}</SubmitButton>
          <Link to="/" className="button secondary">
            {t('logout.cancel')}
          </Link>
        </div>
      </Form>
    </div>
  );
}

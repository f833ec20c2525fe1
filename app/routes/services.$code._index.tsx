import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { guideInForce } from '#services/catalog/guide-in-force';
import { ServiceGuide } from '~/components/catalog/service-guide';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { serviceCodeParam } from '~/utils/params.server';

export const handle = { i18n: ['common', 'catalog'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title },
  ...(data ? [{ name: 'description', content: data.description }] : []),
];

/** The public service guide (办事指南); an unknown code is the localized 404. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const code = serviceCodeParam(params);
  // The version of the list of items in force today (docs/decisions/0036); no session needed.
  const guide = await orThrowResponse(() => guideInForce({ db: context.db, clock: context.clock }, code));
  const t = await getFixedT(request, ['catalog', 'common']);
  return json({
    locale: await getLocale(request),
    guide,
    title: `${t(guide.nameKey)} - ${t('catalog:guide.breadcrumb')} - ${t('common:siteName')}`,
    description: t(guide.summaryKey),
  });
}

export default function ServiceGuidePage() {
  const { guide, locale } = useLoaderData<typeof loader>();
  return <ServiceGuide guide={guide} locale={locale} />;
}

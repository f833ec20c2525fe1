import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { getService } from '#services/catalog/index';
import { guideOf } from '#services/catalog/guide';
import { ServiceGuide } from '~/components/catalog/service-guide';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { serviceCodeParam } from '~/utils/params.server';

export const handle = { i18n: ['common', 'catalog'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title },
  ...(data ? [{ name: 'description', content: data.description }] : []),
];

/** The public service guide (办事指南); an unknown code is the localized 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const guide = await orThrowResponse(async () => guideOf(getService(serviceCodeParam(params))));
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

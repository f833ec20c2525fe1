/**
 * Every namespace of both languages. Adding a namespace means adding its two JSON files and
 * one line per language here; `npm run i18n:check` fails when the languages' keys differ.
 */
import zhCommon from './zh-CN/common.json';
import zhErrors from './zh-CN/errors.json';
import zhValidation from './zh-CN/validation.json';
import zhAuth from './zh-CN/auth.json';
import zhCatalog from './zh-CN/catalog.json';
import zhApplications from './zh-CN/applications.json';
import zhDesk from './zh-CN/desk.json';
import zhNotice from './zh-CN/notice.json';
import zhIntegrations from './zh-CN/integrations.json';
import zhReports from './zh-CN/reports.json';
import zhRatings from './zh-CN/ratings.json';
import zhDocuments from './zh-CN/documents.json';
import zhMessages from './zh-CN/messages.json';
import zhAdmin from './zh-CN/admin.json';
import enCommon from './en/common.json';
import enErrors from './en/errors.json';
import enValidation from './en/validation.json';
import enAuth from './en/auth.json';
import enCatalog from './en/catalog.json';
import enApplications from './en/applications.json';
import enDesk from './en/desk.json';
import enNotice from './en/notice.json';
import enIntegrations from './en/integrations.json';
import enReports from './en/reports.json';
import enRatings from './en/ratings.json';
import enDocuments from './en/documents.json';
import enMessages from './en/messages.json';
import enAdmin from './en/admin.json';

export const resources = {
  'zh-CN': {
    common: zhCommon,
    errors: zhErrors,
    validation: zhValidation,
    auth: zhAuth,
    catalog: zhCatalog,
    applications: zhApplications,
    desk: zhDesk,
    notice: zhNotice,
    integrations: zhIntegrations,
    reports: zhReports,
    ratings: zhRatings,
    documents: zhDocuments,
    messages: zhMessages,
    admin: zhAdmin,
  },
  en: {
    common: enCommon,
    errors: enErrors,
    validation: enValidation,
    auth: enAuth,
    catalog: enCatalog,
    applications: enApplications,
    desk: enDesk,
    notice: enNotice,
    integrations: enIntegrations,
    reports: enReports,
    ratings: enRatings,
    documents: enDocuments,
    messages: enMessages,
    admin: enAdmin,
  },
} as const;

export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';
export const NAMESPACES = Object.keys(resources['zh-CN']) as (keyof (typeof resources)['zh-CN'])[];

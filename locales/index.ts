/**
 * Every namespace of both languages (server code only: browsers fetch single namespaces, decision
 * 0029). Adding a namespace means adding its two JSON files, one line per language here and its
 * name in locales/languages.ts (the type check fails otherwise); `npm run i18n:check` fails when
 * the languages' keys differ.
 */
import { type Language, type Namespace } from './languages.js';
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
import zhAdminCatalog from './zh-CN/adminCatalog.json';
import zhAdmin from './zh-CN/admin.json';
import zhVerify from './zh-CN/verify.json';
import zhAppointments from './zh-CN/appointments.json';
import zhPayments from './zh-CN/payments.json';
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
import enAdminCatalog from './en/adminCatalog.json';
import enAdmin from './en/admin.json';
import enVerify from './en/verify.json';
import enAppointments from './en/appointments.json';
import enPayments from './en/payments.json';

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
    adminCatalog: zhAdminCatalog,
    admin: zhAdmin,
    verify: zhVerify,
    appointments: zhAppointments,
    payments: zhPayments,
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
    adminCatalog: enAdminCatalog,
    admin: enAdmin,
    verify: enVerify,
    appointments: enAppointments,
    payments: enPayments,
  },
} as const satisfies Record<Language, Record<Namespace, object>>;

export { DEFAULT_LANGUAGE, NAMESPACES, SUPPORTED_LANGUAGES, type Language, type Namespace } from './languages.js';

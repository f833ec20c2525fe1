import { and, asc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applicationFiles, decisionDocuments, notices, users, applications, type RenderedDocument, type SealSource } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
import { definitionOfApplication } from '../catalog/item-versions.js';
import { formatChinaDay, lookup, text } from '../locale-text.js';

/**
 * What a sealed PDF is made of, whatever issued it: the facts the verify page shows and the text
 * printed (zh-CN, the authoritative language). One reader per source; a new kind of document
 * from an existing source (say, an electronic result issued as a decision document) needs only
 * its texts, a new source one more reader here.
 */
export type SealableDocument = {
  source: SealSource;
  sourceId: string;
  applicationId: string;
  kind: string;
  number: string;
  officeCode: string;
  issueDate: string;
  issuedAt: Date;
  applicantName: string;
  text: RenderedDocument;
};

export async function readSource(db: Db, source: SealSource, sourceId: string): Promise<SealableDocument | null> {
  switch (source) {
    case 'decision':
      return readDecision(db, sourceId);
    case 'notice':
      return readNotice(db, sourceId);
    case 'receipt':
      return readReceipt(db, sourceId);
  }
}

/**
 * Whether a later document of the same application replaces this one (a later one-time notice
 * replaces an earlier one). A receipt never is: it states only what was received, where and when,
 * which nothing later changes (decision 0038).
 */
export async function isSuperseded(db: Db, source: SealSource, sourceId: string): Promise<boolean> {
  if (source !== 'notice') return false;
  const [n] = await db.select({ applicationId: notices.applicationId, sequence: notices.sequence }).from(notices).where(eq(notices.id, sourceId)).limit(1);
  if (!n) return false;
  const [later] = await db
    .select({ id: notices.id })
    .from(notices)
    .where(and(eq(notices.applicationId, n.applicationId), gt(notices.sequence, n.sequence)))
    .limit(1);
  return Boolean(later);
}

async function readDecision(db: Db, id: string): Promise<SealableDocument | null> {
  const [doc] = await db.select().from(decisionDocuments).where(eq(decisionDocuments.id, id)).limit(1);
  if (!doc) return null;
  return {
    source: 'decision',
    sourceId: doc.id,
    applicationId: doc.applicationId,
    kind: doc.kind,
    number: doc.number,
    officeCode: doc.officeCode,
    issueDate: doc.issueDate,
    issuedAt: doc.issuedAt,
    applicantName: doc.facts.applicant ?? '',
    text: doc.content['zh-CN'],
  };
}

/** The one-time notice as its page prints it (app/routes/applications.$number.notice.tsx), in zh-CN. */
async function readNotice(db: Db, id: string): Promise<SealableDocument | null> {
  const [row] = await db
    .select({ notice: notices, app: applications, applicant: users.realName })
    .from(notices)
    .innerJoin(applications, eq(applications.id, notices.applicationId))
    .innerJoin(users, eq(users.id, applications.applicantId))
    .where(eq(notices.id, id))
    .limit(1);
  if (!row) return null;
  const { notice: n, app } = row;
  const lng = 'zh-CN' as const;
  const t = (key: string, vars: Record<string, unknown> = {}) => text(lng, key, vars);
  const service = lookup(lng, `catalog:services.${app.serviceCode}.name`) ?? app.serviceCode;
  const office = lookup(lng, `common:offices.${n.officeCode}`) ?? n.officeCode;
  const day = (d: string | null) => formatChinaDay(lng, d);
  const received = app.submittedAt ? chinaDate(app.submittedAt) : null;
  const items = n.items.map((i) => {
    const material = lookup(lng, `catalog:materials.${i.materialCode}.name`) ?? i.materialCode;
    const problem = i.verdict === 'missing' ? t('notice:missing') : t('notice:deficient', { reason: lookup(lng, `catalog:deficiency.${i.reasonCode}`) ?? i.reasonCode });
    // The requirement as the notice was issued with it: the list's words when it had its own (decision 0040).
    const requirement = i.requirementText?.zh ?? lookup(lng, `catalog:${i.requirementKey}`) ?? '';
    return `${material}：${problem}${requirement ? `（${requirement}）` : ''}${i.note ? ` ${t('notice:clerkNote', { note: i.note })}` : ''}`;
  });
  return {
    source: 'notice',
    sourceId: n.id,
    applicationId: n.applicationId,
    kind: 'notice',
    number: n.number,
    officeCode: n.officeCode,
    issueDate: n.issueDate,
    issuedAt: n.issuedAt,
    applicantName: row.applicant,
    text: {
      title: t('notice:title'),
      facts: [
        { label: t('notice:applicant'), value: row.applicant },
        { label: t('notice:service'), value: service },
        { label: t('notice:applicationNumber'), value: app.number ?? '' },
        { label: t('notice:received'), value: day(received) },
        { label: t('notice:office'), value: office },
        { label: t('notice:clerk'), value: t('notice:staffNo', { staffNo: n.clerkStaffNo }) },
        { label: t('notice:issued'), value: day(n.issueDate) },
      ],
      paragraphs: [
        t('notice:body', { service }),
        ...items.map((line, i) => `${i + 1}. ${line}`),
        t('notice:deadline', { date: day(n.supplementDeadline) }),
        t('notice:consequence'),
        t('notice:basisLine', { basis: lookup(lng, n.legalBasisKey) ?? n.legalBasisKey }),
        t('notice:onlyOnce'),
        ...(n.overrideReason ? [`${t('notice:secondNotice')} ${t('notice:overrideReason', { reason: n.overrideReason })}`] : []),
        `${office}  ${day(n.issueDate)}`,
      ],
    },
  };
}

const receivedAtFormat = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Shanghai' });

/**
 * The receipt of an application (受理回执, decision 0038) as a record of receipt: who filed what,
 * with which office, when, which materials came with it, the completeness deadline and the fees
 * the item charges — the facts fixed at filing, and nothing that moves later (status, payment,
 * due date), so a signed copy never silently differs from what happened: it says where the
 * current state is read instead. Filed materials are the files in force at submission.
 */
async function readReceipt(db: Db, applicationId: string): Promise<SealableDocument | null> {
  const [row] = await db
    .select({ app: applications, applicant: users.realName })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.applicantId))
    .where(eq(applications.id, applicationId))
    .limit(1);
  if (!row?.app.submittedAt || !row.app.number || !row.app.officeCode) return null;
  const { app } = row;
  const [submittedAt, number, officeCode] = [row.app.submittedAt, row.app.number, row.app.officeCode];
  const files = await db
    .select({ materialCode: applicationFiles.materialCode, originalName: applicationFiles.originalName })
    .from(applicationFiles)
    .where(
      and(
        eq(applicationFiles.applicationId, app.id),
        lte(applicationFiles.uploadedAt, submittedAt),
        or(isNull(applicationFiles.supersededAt), gt(applicationFiles.supersededAt, submittedAt)),
      ),
    )
    .orderBy(asc(applicationFiles.materialCode), asc(applicationFiles.uploadedAt));
  const def = (await definitionOfApplication(db, app))?.def;
  const fees = def ? def.fee.lines(app.answers as never) : [];
  const lng = 'zh-CN' as const;
  const t = (key: string, vars: Record<string, unknown> = {}) => text(lng, key, vars);
  const service = lookup(lng, `catalog:services.${app.serviceCode}.name`) ?? app.serviceCode;
  const office = lookup(lng, `common:offices.${officeCode}`) ?? officeCode;
  const yuan = (amount: number) => t('verify:receipt.yuan', { amount: amount.toFixed(2) });
  const issueDate = chinaDate(submittedAt);
  const total = fees.reduce((s, l) => s + l.amount, 0);
  return {
    source: 'receipt',
    sourceId: app.id,
    applicationId: app.id,
    kind: 'receipt',
    number,
    officeCode,
    issueDate,
    issuedAt: submittedAt,
    applicantName: row.applicant,
    text: {
      title: t('applications:receipt.title'),
      facts: [
        { label: t('notice:applicant'), value: row.applicant },
        { label: t('applications:receipt.number'), value: number },
        { label: t('applications:receipt.service'), value: service },
        { label: t('applications:receipt.office'), value: office },
        { label: t('applications:receipt.receivedAt'), value: receivedAtFormat.format(submittedAt) },
        ...(app.completenessDeadline ? [{ label: t('applications:receipt.completenessDeadline'), value: formatChinaDay(lng, app.completenessDeadline) }] : []),
        { label: t('applications:receipt.feeTotal'), value: fees.length ? yuan(total) : t('applications:receipt.free') },
      ],
      paragraphs: [
        t('verify:receipt.received', { office, service }),
        ...files.map((f, i) => `${i + 1}. ${lookup(lng, `catalog:materials.${f.materialCode}.name`) ?? f.materialCode}（${f.originalName}）`),
        ...(files.length ? [] : [t('verify:receipt.noFiles')]),
        ...fees.map((l) => `${lookup(lng, `catalog:services.${app.serviceCode}.fees.${l.key}`) ?? l.key}：${yuan(l.amount)}`),
        ...(app.completenessDeadline ? [t('applications:receipt.completenessExplain')] : []),
        t('verify:receipt.stateElsewhere'),
        `${office}  ${formatChinaDay(lng, issueDate)}`,
      ],
    },
  };
}

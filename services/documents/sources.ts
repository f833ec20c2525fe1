import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { decisionDocuments, notices, users, applications, type RenderedDocument, type SealSource } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
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
  return source === 'decision' ? readDecision(db, sourceId) : readNotice(db, sourceId);
}

/** Whether a later document of the same application replaces this one (a later one-time notice replaces an earlier one). */
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

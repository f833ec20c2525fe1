import { eq } from 'drizzle-orm';
import type { ZodError } from 'zod';
import { decisions, offices, type DecisionKind } from '../../db/schema/index.js';
import { getService } from '../catalog/index.js';
import { electronicResultOffered, issueElectronicResult } from '../documents/electronic-result.js';
import { enqueueShipment, recordHandover } from '../shipments/shipments.js';
import { postalAddressOf } from '../validation/address.js';
import type { ServiceContext } from '../context.js';
import { invalid } from '../errors.js';
import { notifyApplicant } from '../notifications/notify.js';
import { recordAudit } from '../audit.js';
import { settleItem } from '../queue/lease.js';
import { loadChecklist } from './checklist.js';
import {
  completeSchema,
  leaseOnlySchema,
  NOT_ACCEPTED_BASIS,
  notAcceptSchema,
  refuseSchema,
  type CompleteInput,
  type NotAcceptInput,
  type RefuseInput,
} from './schemas.js';
import { changeStatus } from '../applications/transition.js';
import { fieldErrorsOf } from './verdicts.js';
import { withLease, type LeaseWork } from './with-lease.js';

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw invalid('form.invalid', fieldErrorsOf(r.error));
  return r.data;
}

/**
 * 好差评: every completed matter invites a rating, in the completion's transaction. The decisions'
 * own documents and messages come from changeStatus (services/documents/issue.ts).
 */
async function inviteRating(w: LeaseWork, ctx: ServiceContext) {
  await notifyApplicant(w.tx, {
    applicationId: w.app.id,
    applicantId: w.app.applicantId,
    template: 'ratingInvitation',
    params: { applicationNumber: w.app.number },
    eventKey: `ratingInvitation:${w.app.id}`,
    createdAt: ctx.clock.now(),
  });
}

async function recordDecision(w: LeaseWork, ctx: ServiceContext, kind: DecisionKind, fields: Partial<typeof decisions.$inferInsert>) {
  const [row] = await w.tx
    .insert(decisions)
    .values({ applicationId: w.app.id, kind, clerkId: w.actor.id, at: ctx.clock.now(), ...fields })
    .returning();
  return row;
}

/** 受理: every applicable item checked and found in order. The clerk keeps the item to finish it. */
export async function acceptApplication(ctx: ServiceContext, number: string, raw: { leaseVersion: number }): Promise<void> {
  const { leaseVersion } = parse(leaseOnlySchema, raw);
  await withLease(ctx, number, leaseVersion, async (w) => {
    const { items } = await loadChecklist(w.tx, w.app, { notices: false });
    const open = items.filter((i) => i.verdict?.verdict !== 'ok');
    if (open.length > 0) {
      throw invalid(
        'review.notAllOk',
        Object.fromEntries(open.map((i) => [`verdict-${i.material.code}`, [i.verdict ? 'review.flagged' : 'review.unreviewed']])),
        { count: open.length },
      );
    }
    const decision = await recordDecision(w, ctx, 'accepted', {});
    await changeStatus(w.tx, ctx, w.app, 'accepted', 'clerk', {
      data: { decisionId: decision.id },
      decision,
      set: { acceptedAt: ctx.clock.now() },
    });
  });
}

/**
 * 不予受理 (art. 32(1)): a reason with its legal basis; for a matter outside this office's
 * jurisdiction, the office to apply to instead.
 */
export async function notAcceptApplication(ctx: ServiceContext, number: string, raw: NotAcceptInput): Promise<void> {
  const input = parse(notAcceptSchema, raw);
  await withLease(ctx, number, input.leaseVersion, async (w) => {
    let redirect: string | null = null;
    if (input.reasonCode === 'outsideJurisdiction') {
      const [office] = await w.tx.select().from(offices).where(eq(offices.code, input.redirectOfficeCode!)).limit(1);
      if (!office || office.closedAt || office.code === w.app.officeCode) throw invalid('form.invalid', { redirectOfficeCode: ['review.redirectInvalid'] });
      redirect = office.code;
    }
    const legalBasisKey = NOT_ACCEPTED_BASIS[input.reasonCode];
    const decision = await recordDecision(w, ctx, 'not_accepted', {
      reasonCode: input.reasonCode,
      note: input.note,
      legalBasisKey,
      redirectOfficeCode: redirect,
    });
    await changeStatus(w.tx, ctx, w.app, 'not_accepted', 'clerk', {
      reason: input.note,
      data: { decisionId: decision.id, reasonCode: input.reasonCode, legalBasisKey, redirectOfficeCode: redirect },
      decision,
      set: {
        decidedAt: ctx.clock.now(),
        result: { kind: 'not_accepted', reasonCode: input.reasonCode, legalBasisKey, redirectOfficeCode: redirect, note: input.note },
      },
    });
    await settleItem(w.tx, w.item.id, 'done');
  });
}

/**
 * 办结: the document issued and how it reaches the citizen: collected; posted — the courier is
 * booked by the worker after this transaction commits (a shipment job enqueued here, never a call
 * while the decision holds its locks), its waybill then shown to the citizen and the desk; or,
 * where the item's result can be electronic, issued as an electronic document the citizen opens
 * from the application page (decision 0035). How the result reaches the citizen is recorded for
 * the reports (result_handovers).
 */
export async function completeApplication(ctx: ServiceContext, number: string, raw: CompleteInput): Promise<void> {
  const input = parse(completeSchema, raw);
  await withLease(ctx, number, input.leaseVersion, async (w) => {
    if (input.delivery === 'electronic' && !electronicResultOffered(getService(w.app.serviceCode))) {
      throw invalid('form.invalid', { delivery: ['review.electronicNotOffered'] });
    }
    // "Posted to the address you gave" must be true: the post needs the citizen's address.
    if (input.delivery === 'mail' && !postalAddressOf(w.app.answers)) throw invalid('form.invalid', { delivery: ['review.noPostalAddress'] });
    const { documentNumber, delivery } = input;
    const decision = await recordDecision(w, ctx, 'completed', { documentNumber, delivery, carrier: null, waybill: null });
    await changeStatus(w.tx, ctx, w.app, 'completed', 'clerk', {
      data: { decisionId: decision.id, documentNumber, delivery, carrier: null, waybill: null },
      decision,
      set: { decidedAt: ctx.clock.now(), result: { kind: 'completed', documentNumber, delivery, carrier: null, waybill: null } },
    });
    if (delivery === 'mail') await enqueueShipment(w.tx, ctx, w.app.id);
    if (delivery === 'electronic') {
      const doc = await issueElectronicResult(w.tx, ctx, { applicationId: w.app.id, decisionId: decision.id, certificateNumber: documentNumber });
      await recordAudit(w.tx, ctx, {
        applicationId: w.app.id,
        action: 'result.issuedElectronically',
        officeCode: w.app.officeCode,
        data: { decisionId: decision.id, documentId: doc.id, documentNumber: doc.number, documentKind: doc.kind },
      });
    }
    await recordHandover(w.tx, { applicationId: w.app.id, channel: delivery === 'mail' ? 'post' : delivery, at: ctx.clock.now() });
    await settleItem(w.tx, w.item.id, 'done');
    await inviteRating(w, ctx);
  });
}

/** 不予许可: a reason and one of the service's legal bases, in writing. */
export async function refuseApplication(ctx: ServiceContext, number: string, raw: RefuseInput): Promise<void> {
  const input = parse(refuseSchema, raw);
  await withLease(ctx, number, input.leaseVersion, async (w) => {
    const def = getService(w.app.serviceCode);
    const allowed = def.legalBasisKeys.map((k) => `catalog:basis.${k}`);
    if (!allowed.includes(input.legalBasisKey)) throw invalid('form.invalid', { legalBasisKey: ['choice'] });
    const decision = await recordDecision(w, ctx, 'refused', {
      reasonCode: input.reasonCode,
      note: input.note,
      legalBasisKey: input.legalBasisKey,
    });
    await changeStatus(w.tx, ctx, w.app, 'refused', 'clerk', {
      reason: input.note,
      data: { decisionId: decision.id, reasonCode: input.reasonCode, legalBasisKey: input.legalBasisKey },
      decision,
      set: {
        decidedAt: ctx.clock.now(),
        result: { kind: 'refused', reasonCode: input.reasonCode, legalBasisKey: input.legalBasisKey, note: input.note },
      },
    });
    await settleItem(w.tx, w.item.id, 'done');
  });
}

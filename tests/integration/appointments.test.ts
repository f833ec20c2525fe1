import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, appointments, appointmentSettings, appointmentSlots, auditEvents, messages } from '../../db/schema/index.js';
import { getMyApplication } from '../../services/applications/read.js';
import {
  bookAppointment,
  cancelAppointment,
  getAppointmentPage,
  listOfficeAppointments,
  markAppointment,
} from '../../services/appointments/appointments.js';
import { applicableMaterials, getService } from '../../services/catalog/index.js';
import { claimApplication } from '../../services/queue/claim.js';
import { getReview } from '../../services/review/review-page.js';
import { acceptApplication, refuseApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import { actorOf, createStaff, fixedClock, testConfig, testContext } from '../support/factories.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { createTestDb } from '../setup/test-db.js';
import AppointmentPage, { action as appointmentAction, loader as appointmentLoader } from '../../app/routes/applications.$number.appointment.js';
import DeskAppointmentsPage, { loader as deskLoader } from '../../app/routes/desk.appointments.js';
import ReceiptPage, { loader as receiptLoader } from '../../app/routes/applications.$number._index.js';
import { appContext, sessionCookieFor } from '../support/factories.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { get, post, run } from '../support/requests.js';

/**
 * Booking the one visit (issue 20, decision 0033). The clock: Monday 2026-11-23, 10:00 China time;
 * 2026 is published, 2027 is a draft (db/seed-data.ts).
 */
let h: DbHandle;
const config = testConfig();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

type Citizen = Awaited<ReturnType<typeof createApplicant>>;
const passportAnswers = (c: Citizen) => ({ idNumber: c.idNumber!, officeCode: 'bj-dongcheng', applicationType: 'first', stateFunctionary: 'no', delivery: 'pickup' });

/** A passport (one visit: photo and fingerprints) filed at Dongcheng; accepted by a clerk unless told otherwise. */
async function passport(opts: { accept?: boolean; clock?: ReturnType<typeof fixedClock> } = {}) {
  const clock = opts.clock ?? fixedClock();
  const citizen = await createApplicant(h.db);
  const sub = await createSubmittedApplication(h.db, { citizen, serviceCode: 'passport', answers: passportAnswers(citizen), clock, config });
  const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['exit_entry'] });
  const clerkCtx = testContext(h.db, actorOf(clerk), clock, config);
  if (opts.accept !== false) {
    const { leaseVersion } = await claimApplication(clerkCtx, sub.number);
    const [app] = await h.db.select().from(applications).where(eq(applications.id, sub.applicationId));
    for (const m of applicableMaterials(getService('passport'), app.answers, { today: '2026-11-23' })) {
      await recordVerdict(clerkCtx, sub.number, { leaseVersion, materialCode: m.code, verdict: 'ok' });
    }
    await acceptApplication(clerkCtx, sub.number, { leaseVersion });
  }
  return { ...sub, citizen, clock, clerk, clerkCtx };
}

describe('the days and times offered', () => {
  it('offers working days from the next one, ten ahead, each with eight hour-long slots', async () => {
    const p = await passport();
    const page = await getAppointmentPage(p.ctx, p.number);
    expect(page.blocked).toBeNull();
    expect(page.current).toBeNull();
    // Tuesday 24 November to Monday 7 December: weekends skipped.
    expect(page.days.map((d) => d.day)).toEqual([
      '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30',
      '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-07',
    ]);
    expect(page.days[0].free).toBe(8 * 4);
    expect(page.calendarPendingYear).toBeNull();
    const day = await getAppointmentPage(p.ctx, p.number, '2026-11-25');
    expect(day.times.map((t) => t.time)).toEqual(['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00']);
    // A day that is not offered (a Saturday) shows no times.
    expect((await getAppointmentPage(p.ctx, p.number, '2026-11-28')).times).toEqual([]);
  });

  it('offers no day whose calendar is not yet published, and refuses to book one', async () => {
    const clock = fixedClock('2026-12-28T02:00:00.000Z');
    const p = await passport({ clock });
    const page = await getAppointmentPage(p.ctx, p.number);
    expect(page.days.map((d) => d.day)).toEqual(['2026-12-29', '2026-12-30', '2026-12-31']);
    expect(page.calendarPendingYear).toBe(2027);
    // 4 January 2027 is a Monday, but 2027's calendar is only a draft.
    await expect(bookAppointment(p.ctx, p.number, { day: '2027-01-04', time: '10:00' })).rejects.toMatchObject({ status: 400, code: 'appointment.slotNotOffered' });
    await expect(bookAppointment(p.ctx, p.number, { day: '2026-12-28', time: '10:00' })).rejects.toMatchObject({ status: 400, code: 'appointment.slotNotOffered' });
    await expect(bookAppointment(p.ctx, p.number, { day: '2026-12-29', time: '17:00' })).rejects.toMatchObject({ status: 400, code: 'appointment.slotNotOffered' });
    expect(await h.db.select().from(appointments).where(eq(appointments.applicationId, p.applicationId))).toEqual([]);
  });

  it('books nothing before acceptance, nor for an item that needs no visit', async () => {
    const p = await passport({ accept: false });
    expect((await getAppointmentPage(p.ctx, p.number)).blocked).toBe('notYetAccepted');
    await expect(bookAppointment(p.ctx, p.number, { day: '2026-11-25', time: '10:00' })).rejects.toMatchObject({ status: 409, code: 'appointment.notYetAccepted' });
    // A household certificate is handled wholly online.
    const certificate = await createSubmittedApplication(h.db, {
      serviceCode: 'household-certificate',
      answers: { kind: 'kinship', hukouRegion: '110101', purpose: '办理继承公证', filingAs: 'self' },
      config,
    });
    expect((await getAppointmentPage(certificate.ctx, certificate.number)).blocked).toBe('notNeeded');
    await expect(bookAppointment(certificate.ctx, certificate.number, { day: '2026-11-25', time: '10:00' })).rejects.toMatchObject({ status: 409, code: 'appointment.notNeeded' });
    expect((await getMyApplication(certificate.ctx, certificate.number)).visit).toBeNull();
  });
});

describe('booking, moving and cancelling', () => {
  it('confirms in the outbox, shows on the receipt and the desk, moves twice and no more, cancels until the day before', async () => {
    const p = await passport();
    const booked = await bookAppointment(p.ctx, p.number, { day: '2026-11-25', time: '10:00' });
    expect(booked).toMatchObject({ day: '2026-11-25', time: '10:00', status: 'booked', reschedules: 0 });
    const sms = async (template: string) =>
      h.db.select().from(messages).where(and(eq(messages.applicationId, p.applicationId), eq(messages.template, template), eq(messages.channel, 'sms')));
    expect(await sms('appointmentBooked')).toHaveLength(1);
    expect((await sms('appointmentBooked'))[0].params).toMatchObject({ day: '2026-11-25', time: '10:00', officeCode: 'bj-dongcheng', applicationNumber: p.number });
    expect((await getMyApplication(p.ctx, p.number)).visit).toMatchObject({ day: '2026-11-25', time: '10:00', status: 'booked' });
    expect((await getReview(p.clerkCtx, p.number)).visit).toMatchObject({ day: '2026-11-25', status: 'booked' });

    // Booking again moves it; the old seat is free again.
    await bookAppointment(p.ctx, p.number, { day: '2026-11-26', time: '09:00' });
    await expect(bookAppointment(p.ctx, p.number, { day: '2026-11-26', time: '09:00' })).rejects.toMatchObject({ status: 409, code: 'appointment.sameSlot' });
    await bookAppointment(p.ctx, p.number, { day: '2026-11-27', time: '16:00' });
    await expect(bookAppointment(p.ctx, p.number, { day: '2026-11-30', time: '09:00' })).rejects.toMatchObject({ status: 409, code: 'appointment.rescheduleLimit' });
    expect(await sms('appointmentRescheduled')).toHaveLength(2);
    const seats = await h.db.select().from(appointmentSlots).where(eq(appointmentSlots.officeCode, 'bj-dongcheng'));
    const seat = (day: string, time: string) => seats.find((s) => s.day === day && s.startTime === time)?.booked;
    expect([seat('2026-11-25', '10:00'), seat('2026-11-26', '09:00'), seat('2026-11-27', '16:00')]).toEqual([0, 0, 1]);
    const page = await getAppointmentPage(p.ctx, p.number);
    expect(page.current).toMatchObject({ day: '2026-11-27', time: '16:00', canChange: false, canCancel: true, reschedulesLeft: 0 });
    expect(page.days).toEqual([]);

    // On the day itself it can no longer be cancelled online.
    p.clock.set('2026-11-27T01:00:00.000Z');
    await expect(cancelAppointment(p.ctx, p.number)).rejects.toMatchObject({ status: 409, code: 'appointment.tooLate' });
    p.clock.set('2026-11-26T12:00:00.000Z');
    await cancelAppointment(p.ctx, p.number);
    expect(await sms('appointmentCancelled')).toHaveLength(1);
    await expect(cancelAppointment(p.ctx, p.number)).rejects.toMatchObject({ status: 409, code: 'appointment.none' });
    const [after] = await h.db.select().from(appointmentSlots).where(and(eq(appointmentSlots.day, '2026-11-27'), eq(appointmentSlots.startTime, '16:00')));
    expect(after.booked).toBe(0);
    const actions = await h.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.applicationId, p.applicationId));
    expect(actions.map((a) => a.action).filter((a) => a.startsWith('appointment.'))).toEqual([
      'appointment.booked',
      'appointment.rescheduled',
      'appointment.rescheduled',
      'appointment.cancelled',
    ]);
    // Cancelled, it can be booked anew.
    expect(await bookAppointment(p.ctx, p.number, { day: '2026-11-30', time: '11:00' })).toMatchObject({ reschedules: 0, status: 'booked' });
  });

  it('a refusal cancels the booked visit in the same decision: the seat is free, the day list and the citizen’s page show no visit', async () => {
    const p = await passport();
    await bookAppointment(p.ctx, p.number, { day: '2026-11-25', time: '11:00' });
    const seatOf = async () =>
      (await h.db.select().from(appointmentSlots).where(and(eq(appointmentSlots.officeCode, 'bj-dongcheng'), eq(appointmentSlots.day, '2026-11-25'), eq(appointmentSlots.startTime, '11:00'))))[0].booked;
    const before = await seatOf();
    const { leaseVersion } = await claimApplication(p.clerkCtx, p.number);
    await refuseApplication(p.clerkCtx, p.number, { leaseVersion, reasonCode: 'conditionsNotMet', legalBasisKey: 'catalog:basis.passportLaw', note: '不符合申领条件' });
    expect(await seatOf()).toBe(before - 1);
    const [visit] = await h.db.select().from(appointments).where(eq(appointments.applicationId, p.applicationId));
    expect(visit.status).toBe('cancelled');
    expect((await getMyApplication(p.ctx, p.number)).visit).toBeNull();
    const day = await listOfficeAppointments(p.clerkCtx, '2026-11-25');
    expect(JSON.stringify(day)).not.toContain(p.number);
    const audited = await h.db.select().from(auditEvents).where(and(eq(auditEvents.applicationId, p.applicationId), eq(auditEvents.action, 'appointment.cancelled')));
    expect(audited).toHaveLength(1);
    expect(audited[0].data).toMatchObject({ reason: 'application.refused' });
  });

  it('the clerk sees the day’s visits and records each kept or missed, once, on or after its day', async () => {
    const p = await passport();
    const visit = await bookAppointment(p.ctx, p.number, { day: '2026-11-24', time: '14:00' });
    await expect(markAppointment(p.clerkCtx, { id: visit.id, outcome: 'kept' })).rejects.toMatchObject({ status: 409, code: 'appointment.notYetDue' });
    p.clock.set('2026-11-24T07:00:00.000Z');
    const list = await listOfficeAppointments(p.clerkCtx);
    expect(list).toMatchObject({ officeCode: 'bj-dongcheng', day: '2026-11-24', canMark: true });
    expect(list.visits.find((v) => v.id === visit.id)).toMatchObject({ number: p.number, time: '14:00', status: 'booked' });
    // A clerk of another office finds nothing; one without the department does not see it.
    const other = await createStaff(h.db, { officeCode: 'bj-chaoyang', skills: ['exit_entry'] });
    await expect(markAppointment(testContext(h.db, actorOf(other), p.clock, config), { id: visit.id, outcome: 'kept' })).rejects.toMatchObject({ status: 404 });
    const traffic = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['traffic'] });
    const trafficCtx = testContext(h.db, actorOf(traffic), p.clock, config);
    expect((await listOfficeAppointments(trafficCtx)).visits.some((v) => v.id === visit.id)).toBe(false);
    await expect(markAppointment(trafficCtx, { id: visit.id, outcome: 'kept' })).rejects.toMatchObject({ status: 404 });
    // The citizen may not mark; the clerk marks once.
    await expect(markAppointment(p.ctx, { id: visit.id, outcome: 'kept' })).rejects.toMatchObject({ status: 403 });
    await markAppointment(p.clerkCtx, { id: visit.id, outcome: 'kept' });
    await expect(markAppointment(p.clerkCtx, { id: visit.id, outcome: 'missed' })).rejects.toMatchObject({ status: 409, code: 'appointment.alreadyMarked' });
    const [audit] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.applicationId, p.applicationId), eq(auditEvents.action, 'appointment.kept')));
    expect(audit).toMatchObject({ actorId: p.clerk.id, officeCode: 'bj-dongcheng', data: { appointmentId: visit.id, day: '2026-11-24', time: '14:00' } });
    expect((await getMyApplication(p.ctx, p.number)).visit).toMatchObject({ status: 'kept' });
  });

  it('another citizen’s application is not found, whatever they ask', async () => {
    const p = await passport();
    await bookAppointment(p.ctx, p.number, { day: '2026-11-25', time: '13:00' });
    const stranger = await createApplicant(h.db);
    const sctx = testContext(h.db, actorOf(stranger), p.clock, config);
    await expect(getAppointmentPage(sctx, p.number)).rejects.toMatchObject({ status: 404 });
    await expect(bookAppointment(sctx, p.number, { day: '2026-11-25', time: '14:00' })).rejects.toMatchObject({ status: 404 });
    await expect(cancelAppointment(sctx, p.number)).rejects.toMatchObject({ status: 404 });
    await expect(getAppointmentPage(p.clerkCtx, p.number)).rejects.toMatchObject({ status: 403 });
    expect(await h.db.select().from(appointments).where(and(eq(appointments.applicationId, p.applicationId), eq(appointments.status, 'booked')))).toHaveLength(1);
  });
});

describe('no slot is ever double-booked', () => {
  it('20 people booking the last seat of a slot at once: exactly one gets it', async () => {
    // Chaoyang takes three visits an hour; two are booked, twenty want the third.
    await h.db.update(appointmentSettings).set({ seatsPerSlot: 3 }).where(eq(appointmentSettings.officeCode, 'bj-chaoyang'));
    const clock = fixedClock();
    const filed = [];
    for (let i = 0; i < 22; i++) {
      const citizen = await createApplicant(h.db);
      filed.push(await createSubmittedApplication(h.db, { citizen, serviceCode: 'passport', answers: { ...passportAnswers(citizen), officeCode: 'bj-chaoyang' }, clock, config }));
    }
    // Acceptance is not what this test is about: the office accepted them all (the flow is tested above).
    for (const f of filed) await h.db.update(applications).set({ status: 'accepted' }).where(eq(applications.id, f.applicationId));
    const slot = { day: '2026-12-01', time: '15:00' };
    for (const f of filed.slice(0, 2)) await bookAppointment(f.ctx, f.number, slot);
    const results = await Promise.allSettled(filed.slice(2).map((f) => bookAppointment(f.ctx, f.number, slot)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const r of lost) expect(r.reason).toMatchObject({ status: 409, code: 'appointment.slotFull' });
    const [row] = await h.db.select().from(appointmentSlots).where(and(eq(appointmentSlots.officeCode, 'bj-chaoyang'), eq(appointmentSlots.day, slot.day), eq(appointmentSlots.startTime, slot.time)));
    expect(row).toMatchObject({ capacity: 3, booked: 3 });
    const [{ n }] = await h.db
      .select({ n: sql<number>`count(*)::int` })
      .from(appointments)
      .where(and(eq(appointments.slotId, row.id), eq(appointments.status, 'booked')));
    expect(n).toBe(3);
    // Only the winner was told.
    const [{ told }] = await h.db.select({ told: sql<number>`count(*)::int` }).from(messages).where(and(eq(messages.template, 'appointmentBooked'), eq(messages.channel, 'sms'), sql`${messages.params}->>'day' = ${slot.day}`, sql`${messages.params}->>'officeCode' = 'bj-chaoyang'`));
    expect(told).toBe(3);
  });
});

describe('the pages, as a browser without JavaScript gets them', () => {
  it('days are links, times are radios with one submit; a missing time answers beside its field; the receipt and the desk show the visit', async () => {
    const p = await passport();
    const cookie = await sessionCookieFor(h.db, p.clock, p.citizen.id);
    const app = appContext(h.db, p.clock, config);
    const path = `/applications/${p.number}/appointment`;
    const days = await run(appointmentLoader, get(path, { cookie, lng: 'en' }), app, { number: p.number });
    const daysHtml = await renderRoute(AppointmentPage, path, days, undefined, 'en');
    expect(daysHtml).toContain(`href="${path}?day=2026-11-24#times-heading"`);
    expect(daysHtml).not.toContain('type="radio"');
    const chosen = await run(appointmentLoader, get(`${path}?day=2026-11-24`, { cookie, lng: 'en' }), app, { number: p.number });
    const timesHtml = await renderRoute(AppointmentPage, `${path}?day=2026-11-24`, chosen, undefined, 'en');
    expect(timesHtml.match(/type="radio"/g)).toHaveLength(8);
    expect(timesHtml).toContain('name="day" value="2026-11-24"');

    // Without a time: the field's message, nothing booked.
    const missing = await run(appointmentAction, post(path, { intent: 'book', day: '2026-11-24' }, { cookie, lng: 'en' }), app, { number: p.number });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { lastResult: { error: Record<string, string[]> } }).lastResult.error.time).toEqual(['appointment.timeRequired']);
    const ok = await run(appointmentAction, post(path, { intent: 'book', day: '2026-11-24', time: '09:00' }, { cookie, lng: 'en' }), app, { number: p.number });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('Location')).toBe(`${path}?done=booked`);

    const receipt = await run(receiptLoader, get(`/applications/${p.number}`, { cookie, lng: 'en' }), app, { number: p.number });
    const receiptText = visibleText(await renderRoute(ReceiptPage, `/applications/${p.number}`, receipt, undefined, 'en'));
    expect(receiptText).toContain('Booked: November 24, 2026 at 09:00.');
    expect(receiptText).toContain('Change or cancel the visit');

    p.clock.set('2026-11-24T01:30:00.000Z');
    const clerkCookie = await sessionCookieFor(h.db, p.clock, p.clerk.id);
    const list = await run(deskLoader, get('/desk/appointments', { cookie: clerkCookie, lng: 'en' }), app);
    const listHtml = await renderRoute(DeskAppointmentsPage, '/desk/appointments', list, undefined, 'en');
    expect(listHtml).toContain(`href="/desk/applications/${p.number}"`);
    expect(listHtml).toContain('name="outcome" value="kept"');
  });
});

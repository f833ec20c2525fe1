import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, appointmentDayCapacity, appointmentSettings, appointmentSlots, auditEvents } from '../../db/schema/index.js';
import { getAppointmentCapacity, removeDayCapacity, setAppointmentCapacity, setDayCapacity } from '../../services/admin/appointment-capacity.js';
import { bookAppointment, getAppointmentPage } from '../../services/appointments/appointments.js';
import { applicableMaterials, getService } from '../../services/catalog/index.js';
import { claimApplication } from '../../services/queue/claim.js';
import { acceptApplication } from '../../services/review/decisions.js';
import { recordVerdict } from '../../services/review/verdicts.js';
import CapacityPage, { action, loader } from '../../app/routes/admin.offices.$code_.appointments.js';
import { adminActor, createAdmin } from '../support/admin-staff.js';
import { actorOf, appContext, createStaff, fixedClock, sessionCookieFor, testConfig, testContext } from '../support/factories.js';
import { createApplicant, createSubmittedApplication } from '../support/applications.js';
import { renderRoute, visibleText } from '../support/render-route.js';
import { get, post, run } from '../support/requests.js';
import { createTestDb } from '../setup/test-db.js';

/**
 * An office's capacity for booked visits, edited in /admin (docs/decisions/0039). The clock:
 * Monday 2026-11-23, 10:00 China time; Dongcheng is seeded with 4 visits per hour, 10 days ahead.
 */
let h: DbHandle;
const config = testConfig();
const clock = fixedClock();
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function admins() {
  const beijing = await createAdmin(h.db, '1101');
  const shanghai = await createAdmin(h.db, '3101');
  return {
    beijing: testContext(h.db, adminActor(beijing), clock, config),
    shanghai: testContext(h.db, adminActor(shanghai), clock, config),
    beijingUser: beijing,
    shanghaiUser: shanghai,
  };
}

/** A passport filed at Dongcheng and accepted, so its filer may book the one visit. */
async function acceptedPassport() {
  const citizen = await createApplicant(h.db);
  const sub = await createSubmittedApplication(h.db, {
    citizen,
    serviceCode: 'passport',
    answers: { idNumber: citizen.idNumber!, officeCode: 'bj-dongcheng', applicationType: 'first', stateFunctionary: 'no', delivery: 'pickup' },
    clock,
    config,
  });
  const clerk = await createStaff(h.db, { officeCode: 'bj-dongcheng', skills: ['exit_entry'] });
  const clerkCtx = testContext(h.db, actorOf(clerk), clock, config);
  const { leaseVersion } = await claimApplication(clerkCtx, sub.number);
  const [app] = await h.db.select().from(applications).where(eq(applications.id, sub.applicationId));
  for (const m of applicableMaterials(getService('passport'), app.answers, { today: '2026-11-23' })) {
    await recordVerdict(clerkCtx, sub.number, { leaseVersion, materialCode: m.code, verdict: 'ok' });
  }
  await acceptApplication(clerkCtx, sub.number, { leaseVersion });
  return sub;
}

const slotOf = async (day: string, time: string) =>
  (await h.db.select().from(appointmentSlots).where(and(eq(appointmentSlots.officeCode, 'bj-dongcheng'), eq(appointmentSlots.day, day), eq(appointmentSlots.startTime, time))))[0];

describe('appointment capacity in the administration', () => {
  it('lowering it never takes a booked visit away: a fuller slot keeps its visits and takes no more; other days get the new figure', async () => {
    const { beijing } = await admins();
    expect(await getAppointmentCapacity(beijing, 'bj-dongcheng')).toMatchObject({ seatsPerSlot: 4, windows: 2, perWindow: 2, daysAhead: 10, slotsAbove: 0, mostBooked: 0, days: [] });
    const booked = [];
    for (let i = 0; i < 3; i++) {
      const p = await acceptedPassport();
      await bookAppointment(p.ctx, p.number, { day: '2026-11-25', time: '10:00' });
      booked.push(p);
    }
    expect(await slotOf('2026-11-25', '10:00')).toMatchObject({ capacity: 4, booked: 3 });

    expect(await setAppointmentCapacity(beijing, 'bj-dongcheng', { windows: 2, perWindow: 1, daysAhead: 5 })).toEqual({ slotsAbove: 1 });
    // Held at what is booked: full, nobody moved out.
    expect(await slotOf('2026-11-25', '10:00')).toMatchObject({ capacity: 3, booked: 3 });
    expect(await getAppointmentCapacity(beijing, 'bj-dongcheng')).toMatchObject({ seatsPerSlot: 2, windows: 2, perWindow: 1, daysAhead: 5, slotsAbove: 1, mostBooked: 3 });
    const late = await acceptedPassport();
    await expect(bookAppointment(late.ctx, late.number, { day: '2026-11-25', time: '10:00' })).rejects.toMatchObject({ status: 409, code: 'appointment.slotFull' });
    // A slot without a row yet offers the new figure; five working days ahead.
    const page = await getAppointmentPage(late.ctx, late.number, '2026-11-26');
    expect(page.days.map((d) => d.day)).toEqual(['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30']);
    expect(page.times.find((t) => t.time === '10:00')?.free).toBe(2);
    await bookAppointment(late.ctx, late.number, { day: '2026-11-26', time: '10:00' });
    expect(await slotOf('2026-11-26', '10:00')).toMatchObject({ capacity: 2, booked: 1 });

    // Raising it reaches the slots already made.
    expect(await setAppointmentCapacity(beijing, 'bj-dongcheng', { windows: 3, perWindow: 2, daysAhead: 10 })).toEqual({ slotsAbove: 0 });
    expect(await slotOf('2026-11-25', '10:00')).toMatchObject({ capacity: 6, booked: 3 });
    expect(await slotOf('2026-11-26', '10:00')).toMatchObject({ capacity: 6, booked: 1 });
    const again = await acceptedPassport();
    await bookAppointment(again.ctx, again.number, { day: '2026-11-25', time: '10:00' });

    const audits = await h.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'admin.office.appointmentCapacity'))
      .orderBy(desc(auditEvents.at), desc(auditEvents.id));
    expect(audits).toHaveLength(2);
    expect(audits.map((a) => a.data)).toEqual(
      expect.arrayContaining([
        { before: { windows: 2, perWindow: 2, seatsPerSlot: 4, daysAhead: 10 }, after: { windows: 2, perWindow: 1, seatsPerSlot: 2, daysAhead: 5 }, slotsAdjusted: 1, slotsAbove: 1 },
        { before: { windows: 2, perWindow: 1, seatsPerSlot: 2, daysAhead: 5 }, after: { windows: 3, perWindow: 2, seatsPerSlot: 6, daysAhead: 10 }, slotsAdjusted: 2, slotsAbove: 0 },
      ]),
    );
    expect(audits.every((a) => a.officeCode === 'bj-dongcheng')).toBe(true);
  });

  it('an office without a setting opens online booking when one is saved; another city’s administrator finds no such office', async () => {
    const { beijing, shanghai } = await admins();
    await h.db.delete(appointmentSettings).where(eq(appointmentSettings.officeCode, 'bj-chaoyang'));
    expect(await getAppointmentCapacity(beijing, 'bj-chaoyang')).toMatchObject({ seatsPerSlot: null, windows: null, perWindow: null, daysAhead: null });
    await setAppointmentCapacity(beijing, 'bj-chaoyang', { windows: 3, perWindow: 1, daysAhead: 8 });
    expect(await h.db.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, 'bj-chaoyang'))).toEqual([{ officeCode: 'bj-chaoyang', windows: 3, perWindow: 1, seatsPerSlot: 3, daysAhead: 8 }]);
    const [audit] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'admin.office.appointmentCapacity'), eq(auditEvents.officeCode, 'bj-chaoyang')));
    expect(audit.data).toMatchObject({ before: null, after: { windows: 3, perWindow: 1, seatsPerSlot: 3, daysAhead: 8 } });

    await expect(getAppointmentCapacity(shanghai, 'bj-chaoyang')).rejects.toMatchObject({ status: 404 });
    await expect(setAppointmentCapacity(shanghai, 'bj-chaoyang', { windows: 1, perWindow: 1, daysAhead: 1 })).rejects.toMatchObject({ status: 404 });
    expect((await h.db.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, 'bj-chaoyang')))[0].seatsPerSlot).toBe(3);
  });

  it('the page works without JavaScript: errors beside the fields in the reader’s language, a saved change says so', async () => {
    const { beijingUser, shanghaiUser } = await admins();
    const cookie = await sessionCookieFor(h.db, clock, beijingUser.id);
    const app = appContext(h.db, clock, config);
    const path = '/admin/offices/bj-dongcheng/appointments';
    const params = { code: 'bj-dongcheng' };
    const page = await run(loader, get(path, { cookie, lng: 'en' }), app, params);
    expect(page.status).toBe(200);
    const html = await renderRoute(CapacityPage, path, page.clone(), undefined, 'en');
    expect(html).toContain('name="windows"');
    expect(html).toContain('name="perWindow"');
    expect(html).toContain('method="post"');
    expect(visibleText(html)).toContain('People per window and hour');

    const bad = await run(action, post(path, { windows: '0', perWindow: '101', daysAhead: '61' }, { cookie, lng: 'en' }), app, params);
    expect(bad.status).toBe(400);
    const badHtml = visibleText(await renderRoute(CapacityPage, path, page, bad, 'en'));
    expect(badHtml).toContain('Enter a whole number of windows from 1 to 100.');
    expect(badHtml).toContain('Enter a whole number of people from 1 to 100.');
    expect(badHtml).toContain('Enter a whole number of working days from 1 to 60.');

    const ok = await run(action, post(path, { windows: '5', perWindow: '1', daysAhead: '10' }, { cookie, lng: 'en' }), app, params);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('Location')).toMatch(/^\/admin\/offices\/bj-dongcheng\/appointments\?saved=1/);
    const saved = await run(loader, get(ok.headers.get('Location')!, { cookie, lng: 'en' }), app, params);
    expect(visibleText(await renderRoute(CapacityPage, ok.headers.get('Location')!, saved, undefined, 'en'))).toContain('Capacity saved.');

    const other = await sessionCookieFor(h.db, clock, shanghaiUser.id);
    expect((await run(loader, get(path, { cookie: other }), app, params)).status).toBe(404);
    expect((await run(action, post(path, { windows: '5', perWindow: '1', daysAhead: '10' }, { cookie: other }), app, params)).status).toBe(404);
  });
});

describe('days with a figure of their own (fewer windows, or none)', () => {
  const dayRows = () => h.db.select().from(appointmentDayCapacity).where(eq(appointmentDayCapacity.officeCode, 'bj-dongcheng'));

  it('a new booking on the day gets the day’s figure; a 0 day is neither offered nor bookable; the office’s change leaves such days alone', async () => {
    const { beijing } = await admins();
    await setAppointmentCapacity(beijing, 'bj-dongcheng', { windows: 2, perWindow: 2, daysAhead: 10 });
    expect(await setDayCapacity(beijing, 'bj-dongcheng', { day: '2026-11-27', windows: 1, perWindow: 1 })).toEqual({ slotsAbove: 0 });
    await setDayCapacity(beijing, 'bj-dongcheng', { day: '2026-11-30', windows: 0, perWindow: 2 });

    const p = await acceptedPassport();
    const page = await getAppointmentPage(p.ctx, p.number, '2026-11-27');
    expect(page.days.map((d) => d.day)).not.toContain('2026-11-30');
    expect(page.days.map((d) => d.day)).toContain('2026-12-01');
    expect(page.days.find((d) => d.day === '2026-11-27')?.free).toBe(8); // eight hour-long slots of one visit
    expect(page.times.every((t) => t.free === 1)).toBe(true);
    expect((await getAppointmentPage(p.ctx, p.number, '2026-11-30')).times).toEqual([]);

    await expect(bookAppointment(p.ctx, p.number, { day: '2026-11-30', time: '09:00' })).rejects.toMatchObject({ status: 400, code: 'appointment.slotNotOffered' });
    expect(await slotOf('2026-11-30', '09:00')).toBeUndefined();
    await bookAppointment(p.ctx, p.number, { day: '2026-11-27', time: '09:00' });
    expect(await slotOf('2026-11-27', '09:00')).toMatchObject({ capacity: 1, booked: 1 });

    // The office's figure changes; the day keeps its own.
    expect(await setAppointmentCapacity(beijing, 'bj-dongcheng', { windows: 3, perWindow: 2, daysAhead: 10 })).toEqual({ slotsAbove: 0 });
    expect(await slotOf('2026-11-27', '09:00')).toMatchObject({ capacity: 1, booked: 1 });
    expect(await slotOf('2026-11-25', '10:00')).toMatchObject({ capacity: 6 }); // a day without its own figure follows the office's
    const q = await acceptedPassport();
    await expect(bookAppointment(q.ctx, q.number, { day: '2026-11-27', time: '09:00' })).rejects.toMatchObject({ status: 409, code: 'appointment.slotFull' });
    expect((await getAppointmentPage(q.ctx, q.number, '2026-12-02')).times.find((t) => t.time === '15:00')?.free).toBe(6);
  });

  it('lowering a day with bookings keeps them; removing the day returns its slots to the office’s figure, never below what is booked', async () => {
    const { beijing, beijingUser } = await admins();
    await setAppointmentCapacity(beijing, 'bj-dongcheng', { windows: 2, perWindow: 2, daysAhead: 10 });
    for (let i = 0; i < 3; i++) {
      const p = await acceptedPassport();
      await bookAppointment(p.ctx, p.number, { day: '2026-12-01', time: '14:00' });
    }
    const one = await acceptedPassport();
    await bookAppointment(one.ctx, one.number, { day: '2026-12-01', time: '15:00' });

    expect(await setDayCapacity(beijing, 'bj-dongcheng', { day: '2026-12-01', windows: 1, perWindow: 1 })).toEqual({ slotsAbove: 1 });
    expect(await slotOf('2026-12-01', '14:00')).toMatchObject({ capacity: 3, booked: 3 });
    expect(await slotOf('2026-12-01', '15:00')).toMatchObject({ capacity: 1, booked: 1 });
    const cap = await getAppointmentCapacity(beijing, 'bj-dongcheng');
    expect(cap.days.find((d) => d.day === '2026-12-01')).toEqual({ day: '2026-12-01', windows: 1, perWindow: 1, seatsPerSlot: 1, mostBooked: 3 });
    expect(cap.slotsAbove).toBe(1);
    const late = await acceptedPassport();
    await expect(bookAppointment(late.ctx, late.number, { day: '2026-12-01', time: '14:00' })).rejects.toMatchObject({ status: 409, code: 'appointment.slotFull' });
    await bookAppointment(late.ctx, late.number, { day: '2026-12-01', time: '16:00' });
    expect(await slotOf('2026-12-01', '16:00')).toMatchObject({ capacity: 1, booked: 1 });

    // Even 0 keeps every booked visit.
    expect(await setDayCapacity(beijing, 'bj-dongcheng', { day: '2026-12-01', windows: 0, perWindow: 1 })).toEqual({ slotsAbove: 3 });
    expect(await slotOf('2026-12-01', '14:00')).toMatchObject({ capacity: 3, booked: 3 });

    expect(await removeDayCapacity(beijing, 'bj-dongcheng', '2026-12-01')).toEqual({ slotsAbove: 0 });
    expect(await slotOf('2026-12-01', '14:00')).toMatchObject({ capacity: 4, booked: 3 });
    expect(await slotOf('2026-12-01', '15:00')).toMatchObject({ capacity: 4, booked: 1 });
    expect((await dayRows()).map((r) => r.day)).not.toContain('2026-12-01');
    await expect(removeDayCapacity(beijing, 'bj-dongcheng', '2026-12-01')).rejects.toMatchObject({ status: 409, code: 'admin.capacityDay.none' });

    const audits = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'admin.office.appointmentDay'), sql`${auditEvents.data}->>'day' = '2026-12-01'`));
    expect(audits.map((a) => a.data)).toEqual(
      expect.arrayContaining([
        { day: '2026-12-01', before: null, after: { windows: 1, perWindow: 1, seatsPerSlot: 1 }, slotsAdjusted: 2, slotsAbove: 1 },
        { day: '2026-12-01', before: { windows: 1, perWindow: 1, seatsPerSlot: 1 }, after: { windows: 0, perWindow: 1, seatsPerSlot: 0 }, slotsAdjusted: 3, slotsAbove: 3 },
        { day: '2026-12-01', before: { windows: 0, perWindow: 1, seatsPerSlot: 0 }, after: null, slotsAdjusted: 3, slotsAbove: 0 },
      ]),
    );
    expect(audits).toHaveLength(3);
    expect(audits.every((a) => a.officeCode === 'bj-dongcheng' && a.actorId === beijingUser.id)).toBe(true);
  });

  it('only a working day after today, of a year the calendar has entered; another city’s administrator finds no such office', async () => {
    const { beijing, shanghai } = await admins();
    const refused = (day: string) => setDayCapacity(beijing, 'bj-dongcheng', { day, windows: 1, perWindow: 1 });
    await expect(refused('2026-11-23')).rejects.toMatchObject({ status: 400, code: 'admin.capacityDay.notAfterToday', fieldErrors: { day: ['capacity.dayNotAfterToday'] } });
    await expect(refused('2026-11-20')).rejects.toMatchObject({ status: 400, code: 'admin.capacityDay.notAfterToday' });
    await expect(refused('2026-11-28')).rejects.toMatchObject({ status: 400, code: 'admin.capacityDay.notWorking', fieldErrors: { day: ['capacity.dayNotWorking'] } });
    await expect(refused('2027-01-04')).rejects.toMatchObject({ status: 400, code: 'admin.capacityDay.unknownYear', params: { year: 2027 } });
    await expect(setDayCapacity(shanghai, 'bj-dongcheng', { day: '2026-12-03', windows: 1, perWindow: 1 })).rejects.toMatchObject({ status: 404 });
    await setDayCapacity(beijing, 'bj-dongcheng', { day: '2026-12-03', windows: 1, perWindow: 3 });
    await expect(removeDayCapacity(shanghai, 'bj-dongcheng', '2026-12-03')).rejects.toMatchObject({ status: 404 });
    await expect(getAppointmentCapacity(shanghai, 'bj-dongcheng')).rejects.toMatchObject({ status: 404 });
    expect((await dayRows()).find((r) => r.day === '2026-12-03')).toMatchObject({ windows: 1, perWindow: 3, seatsPerSlot: 3 });
  });

  it('the page lists the days and sets and removes one without JavaScript, each form’s errors beside its own fields', async () => {
    const { beijingUser, shanghaiUser } = await admins();
    const cookie = await sessionCookieFor(h.db, clock, beijingUser.id);
    const app = appContext(h.db, clock, config);
    const path = '/admin/offices/bj-dongcheng/appointments';
    const params = { code: 'bj-dongcheng' };
    const page = await run(loader, get(path, { cookie, lng: 'en' }), app, params);

    const weekend = await run(action, post(path, { intent: 'day', day: '2026-11-28', windows: '1', perWindow: '1' }, { cookie, lng: 'en' }), app, params);
    expect(weekend.status).toBe(400);
    const weekendText = visibleText(await renderRoute(CapacityPage, path, page.clone(), weekend, 'en'));
    expect(weekendText).toContain('This is not a working day in the calendar');
    expect(weekendText).not.toContain('Enter a whole number of windows from 1 to 100.');

    const tooMany = await run(action, post(path, { intent: 'day', day: 'x', windows: '30', perWindow: '20' }, { cookie, lng: 'en' }), app, params);
    expect(tooMany.status).toBe(400);
    const tooManyText = visibleText(await renderRoute(CapacityPage, path, page.clone(), tooMany, 'en'));
    expect(tooManyText).toContain('Enter the day as YYYY-MM-DD, a date that exists.');
    const product = await run(action, post(path, { intent: 'day', day: '2026-12-04', windows: '30', perWindow: '20' }, { cookie, lng: 'en' }), app, params);
    expect(visibleText(await renderRoute(CapacityPage, path, page.clone(), product, 'en'))).toContain('Windows × people per window may be at most 500 visits an hour.');

    const ok = await run(action, post(path, { intent: 'day', day: '2026-12-04', windows: '0', perWindow: '1' }, { cookie, lng: 'en' }), app, params);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('Location')).toBe(`${path}?saved=day`);
    const saved = await run(loader, get(ok.headers.get('Location')!, { cookie, lng: 'en' }), app, params);
    const savedText = visibleText(await renderRoute(CapacityPage, ok.headers.get('Location')!, saved, undefined, 'en'));
    expect(savedText).toContain('The day\'s figure is saved.');
    expect(savedText).toContain('No booked visits');
    expect(savedText).toContain('Remove');

    const removed = await run(action, post(path, { intent: 'removeDay', day: '2026-12-04' }, { cookie, lng: 'en' }), app, params);
    expect(removed.status).toBe(303);
    expect(removed.headers.get('Location')).toBe(`${path}?saved=removed`);
    const again = await run(action, post(path, { intent: 'removeDay', day: '2026-12-04' }, { cookie, lng: 'en' }), app, params);
    expect(again.status).toBe(409);
    expect(visibleText(await renderRoute(CapacityPage, path, page.clone(), again, 'en'))).toContain('That day has no figure of its own');

    const other = await sessionCookieFor(h.db, clock, shanghaiUser.id);
    expect((await run(action, post(path, { intent: 'day', day: '2026-12-04', windows: '1', perWindow: '1' }, { cookie: other }), app, params)).status).toBe(404);
    expect((await run(action, post(path, { intent: 'removeDay', day: '2026-12-03' }, { cookie: other }), app, params)).status).toBe(404);
  });
});

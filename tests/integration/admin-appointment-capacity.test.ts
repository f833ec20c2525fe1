import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { applications, appointmentSettings, appointmentSlots, auditEvents } from '../../db/schema/index.js';
import { getAppointmentCapacity, setAppointmentCapacity } from '../../services/admin/appointment-capacity.js';
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
    expect(await getAppointmentCapacity(beijing, 'bj-dongcheng')).toMatchObject({ seatsPerSlot: 4, daysAhead: 10, slotsAbove: 0, mostBooked: 0 });
    const booked = [];
    for (let i = 0; i < 3; i++) {
      const p = await acceptedPassport();
      await bookAppointment(p.ctx, p.number, { day: '2026-11-25', time: '10:00' });
      booked.push(p);
    }
    expect(await slotOf('2026-11-25', '10:00')).toMatchObject({ capacity: 4, booked: 3 });

    expect(await setAppointmentCapacity(beijing, 'bj-dongcheng', { seatsPerSlot: 2, daysAhead: 5 })).toEqual({ slotsAbove: 1 });
    // Held at what is booked: full, nobody moved out.
    expect(await slotOf('2026-11-25', '10:00')).toMatchObject({ capacity: 3, booked: 3 });
    expect(await getAppointmentCapacity(beijing, 'bj-dongcheng')).toMatchObject({ seatsPerSlot: 2, daysAhead: 5, slotsAbove: 1, mostBooked: 3 });
    const late = await acceptedPassport();
    await expect(bookAppointment(late.ctx, late.number, { day: '2026-11-25', time: '10:00' })).rejects.toMatchObject({ status: 409, code: 'appointment.slotFull' });
    // A slot without a row yet offers the new figure; five working days ahead.
    const page = await getAppointmentPage(late.ctx, late.number, '2026-11-26');
    expect(page.days.map((d) => d.day)).toEqual(['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30']);
    expect(page.times.find((t) => t.time === '10:00')?.free).toBe(2);
    await bookAppointment(late.ctx, late.number, { day: '2026-11-26', time: '10:00' });
    expect(await slotOf('2026-11-26', '10:00')).toMatchObject({ capacity: 2, booked: 1 });

    // Raising it reaches the slots already made.
    expect(await setAppointmentCapacity(beijing, 'bj-dongcheng', { seatsPerSlot: 6, daysAhead: 10 })).toEqual({ slotsAbove: 0 });
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
        { before: { seatsPerSlot: 4, daysAhead: 10 }, after: { seatsPerSlot: 2, daysAhead: 5 }, slotsAdjusted: 1, slotsAbove: 1 },
        { before: { seatsPerSlot: 2, daysAhead: 5 }, after: { seatsPerSlot: 6, daysAhead: 10 }, slotsAdjusted: 2, slotsAbove: 0 },
      ]),
    );
    expect(audits.every((a) => a.officeCode === 'bj-dongcheng')).toBe(true);
  });

  it('an office without a setting opens online booking when one is saved; another city’s administrator finds no such office', async () => {
    const { beijing, shanghai } = await admins();
    await h.db.delete(appointmentSettings).where(eq(appointmentSettings.officeCode, 'bj-chaoyang'));
    expect(await getAppointmentCapacity(beijing, 'bj-chaoyang')).toMatchObject({ seatsPerSlot: null, daysAhead: null });
    await setAppointmentCapacity(beijing, 'bj-chaoyang', { seatsPerSlot: 3, daysAhead: 8 });
    expect(await h.db.select().from(appointmentSettings).where(eq(appointmentSettings.officeCode, 'bj-chaoyang'))).toEqual([{ officeCode: 'bj-chaoyang', seatsPerSlot: 3, daysAhead: 8 }]);
    const [audit] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'admin.office.appointmentCapacity'), eq(auditEvents.officeCode, 'bj-chaoyang')));
    expect(audit.data).toMatchObject({ before: null, after: { seatsPerSlot: 3, daysAhead: 8 } });

    await expect(getAppointmentCapacity(shanghai, 'bj-chaoyang')).rejects.toMatchObject({ status: 404 });
    await expect(setAppointmentCapacity(shanghai, 'bj-chaoyang', { seatsPerSlot: 1, daysAhead: 1 })).rejects.toMatchObject({ status: 404 });
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
    expect(html).toContain('name="seatsPerSlot"');
    expect(html).toContain('method="post"');
    expect(visibleText(html)).toContain('Visits per hour');

    const bad = await run(action, post(path, { seatsPerSlot: '0', daysAhead: '61' }, { cookie, lng: 'en' }), app, params);
    expect(bad.status).toBe(400);
    const badHtml = visibleText(await renderRoute(CapacityPage, path, page, bad, 'en'));
    expect(badHtml).toContain('Enter a whole number of visits from 1 to 500.');
    expect(badHtml).toContain('Enter a whole number of working days from 1 to 60.');

    const ok = await run(action, post(path, { seatsPerSlot: '5', daysAhead: '10' }, { cookie, lng: 'en' }), app, params);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('Location')).toMatch(/^\/admin\/offices\/bj-dongcheng\/appointments\?saved=1/);
    const saved = await run(loader, get(ok.headers.get('Location')!, { cookie, lng: 'en' }), app, params);
    expect(visibleText(await renderRoute(CapacityPage, ok.headers.get('Location')!, saved, undefined, 'en'))).toContain('Capacity saved.');

    const other = await sessionCookieFor(h.db, clock, shanghaiUser.id);
    expect((await run(loader, get(path, { cookie: other }), app, params)).status).toBe(404);
    expect((await run(action, post(path, { seatsPerSlot: '5', daysAhead: '10' }, { cookie: other }), app, params)).status).toBe(404);
  });
});

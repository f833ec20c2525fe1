import type { Household } from '../../services/integrations/population-registry.js';
import type { VehicleRecord } from '../../services/integrations/vehicle-records.js';

/**
 * The simulated systems' records, for tests and for the offline demo (MOCKS=true). The demo
 * citizens of db/seed-data.ts are here, so the demo shows data sharing, an unsettled vehicle and
 * a clean one; every vehicle names its registered owner, whom the vehicle items check. Every ID
 * number and plate is fictional.
 */

/** Household records by ID number. Anyone else is unknown to the household part of the registry. */
export const HOUSEHOLDS: Record<string, Household> = {
  '110101199003071233': {
    idNumber: '110101199003071233',
    name: '张三',
    hukouRegion: '110101',
    householdNumber: '110101-000123',
    relationToHead: 'head',
    idCardValid: true,
  },
  '310101198511224569': {
    idNumber: '310101198511224569',
    name: '李四',
    hukouRegion: '310101',
    householdNumber: '310101-004567',
    relationToHead: 'spouse',
    idCardValid: true,
  },
};

/** ID numbers the identity check answers "cancelled" for. */
export const CANCELLED_IDS = new Set<string>(['110101195001010017']);

/** ID numbers with an exit-entry control hit (fictional). */
export const CONTROL_HITS: Record<string, string> = {
  '110101198001010037': 'CTL-2026-0001',
};

export const VEHICLES: Record<string, VehicleRecord> = {
  京A12345: {
    plate: '京A12345',
    owner: { name: '张三', idNumber: '110101199003071233' },
    vehicleType: 'smallPassenger',
    registrationDate: '2022-12-15',
    unsettled: [],
  },
  京B67890: {
    plate: '京B67890',
    owner: { name: '张三', idNumber: '110101199003071233' },
    vehicleType: 'smallPassenger',
    registrationDate: '2016-01-20',
    unsettled: [
      { kind: 'violation', reference: 'WF110101202609120031', date: '2026-09-12', place: '东直门南大街' },
      { kind: 'accident', reference: 'SG110101202610030007', date: '2026-10-03', place: '朝阳门北大街' },
    ],
  },
  沪A88888: {
    plate: '沪A88888',
    owner: { name: '李四', idNumber: '310101198511224569' },
    vehicleType: 'van',
    registrationDate: '2021-03-02',
    unsettled: [],
  },
  // 张三's motorcycle: since the 2022 reform it claims the mark without a test in year 2, 4 and 8.
  京C13579: {
    plate: '京C13579',
    owner: { name: '张三', idNumber: '110101199003071233' },
    vehicleType: 'motorcycle',
    registrationDate: '2018-12-20',
    unsettled: [],
  },
  // A used car on sale in Beijing (the example transfer), registered to a seller who is no demo citizen.
  京B23456: {
    plate: '京B23456',
    owner: { name: '王五', idNumber: '110105197805150319' },
    vehicleType: 'smallPassenger',
    registrationDate: '2019-04-08',
    unsettled: [],
  },
  // A truck registered in Shanghai, for the transfer that stays with the registering office (art. 27 para. 1).
  沪D24680: {
    plate: '沪D24680',
    owner: { name: '赵六', idNumber: '310104198203020571' },
    vehicleType: 'truck',
    registrationDate: '2017-09-01',
    unsettled: [],
  },
};

import { idCheckCharacter } from '../validation/identifiers.js';

/** A valid resident ID for a region, birth date ('YYYYMMDD') and sequence. */
export function exampleIdNumber(region: string, birth: string, seq = '123'): string {
  const first17 = `${region}${birth}${seq}`;
  return first17 + idCheckCharacter(first17);
}

const adult = exampleIdNumber('110101', '19900307');
const agent = exampleIdNumber('110105', '19850612', '456');

/** A postal address as the form posts it, for the items whose examples choose the post. */
export const EXAMPLE_ADDRESS: Record<string, string> = {
  addressRecipient: '张三',
  addressMobile: '13800138000',
  addressProvince: '110000',
  addressCity: '110100',
  addressDistrict: '110101',
  addressStreet: '东华门街道南池子大街 10 号院 3 号楼 201 室',
  addressPostcode: '100006',
};

/**
 * One complete, valid answer set per catalog item, as the browser posts it (strings only, a
 * ticked checkbox is 'on'). For tests and demo data; valid on any day after 2024.
 */
export const EXAMPLE_ANSWERS: Record<string, Record<string, string>> = {
  'hukou-migration': {
    category: 'joinSpouse',
    officeCode: 'bj-dongcheng',
    originAddress: '河北省保定市竞秀区朝阳南大街 1 号',
    destinationAddress: '北京市东城区东华门街道 2 号',
    movers: '1',
  },
  'household-certificate': {
    kind: 'kinship',
    hukouRegion: '110101',
    purpose: '办理继承公证',
    filingAs: 'agent',
    subjectName: '李四',
    subjectIdNumber: agent,
  },
  'birth-registration': {
    hukouRegion: '110101',
    childName: '张小明',
    childSex: 'male',
    childBirthDate: '2024-10-01',
    registeredWith: 'mother',
    parentsMarried: 'yes',
  },
  'first-id-card': { hukouRegion: '110101', idNumber: exampleIdNumber('110101', '20080115'), delivery: 'mail', ...EXAMPLE_ADDRESS },
  'temporary-id-card': { hukouRegion: '110101', reason: 'replacing', delivery: 'pickup' },
  'inspection-mark': {
    plate: '京A12345',
    filingAs: 'owner',
    vehicleType: 'smallPassenger',
    registrationDate: '2020-03-15',
    delivery: 'electronic',
  },
  'used-vehicle-transfer': {
    plate: '京B23456',
    vehicleType: 'smallPassenger',
    deliveryDate: '2024-10-20',
    ownerResidence: 'local',
    residenceBasis: 'hukou',
    inspectionExpired: 'no',
    mortgaged: 'no',
  },
  'motorcycle-registration': {
    residenceBasis: 'hukou',
    residenceRegion: '110101',
    exemptType: 'yes',
    vin: 'LBPKE1802N0123456',
    brandModel: '五羊-本田 WH125T-9',
    origin: 'domestic',
    manufactureDate: '2024-09-01',
    purchaseDate: '2024-10-18',
  },
  passport: { idNumber: adult, officeCode: 'bj-dongcheng', applicationType: 'first', stateFunctionary: 'no', delivery: 'mail', ...EXAMPLE_ADDRESS },
  'hk-macao-permit': {
    idNumber: adult,
    officeCode: 'bj-dongcheng',
    holdsValidPermit: 'no',
    endorsementType: 'G',
    trips: 'single',
    stateFunctionary: 'no',
    delivery: 'pickup',
  },
  'entry-exit-records': { officeCode: 'bj-dongcheng', filingAs: 'self', delivery: 'electronic' },
};

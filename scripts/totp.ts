/**
 * Prints the current TOTP code of a demo staff account: `npm run totp -- 010001`.
 * Reads the demo secrets from the seed (not the database), so it works while the server holds
 * the embedded database open. Real staff use an authenticator app instead.
 */
import { generateTOTP } from '@epic-web/totp';
import { DEMO_TOTP_SECRETS } from '../db/seed-data.js';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../services/auth/totp.js';

const staffNo = process.argv[2];
const secret = staffNo ? DEMO_TOTP_SECRETS[staffNo] : undefined;
if (!secret) {
  console.error(`usage: npm run totp -- <staff number>   (demo staff: ${Object.keys(DEMO_TOTP_SECRETS).join(', ')})`);
  process.exit(1);
}
const { otp } = await generateTOTP({ secret, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS, algorithm: 'SHA-1' });
const left = TOTP_PERIOD_SECONDS - (Math.floor(Date.now() / 1000) % TOTP_PERIOD_SECONDS);
console.log(`${otp}  (staff ${staffNo}, valid for about ${left}s more)`);

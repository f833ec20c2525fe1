import { z } from 'zod';
import { idNumber, mobile, optionalEmail, text } from '../validation/zod.js';
import { passwordRuleProblem } from './password-rules.js';

/**
 * 8–128 characters, no composition rules, no blank or patterned ones (NIST SP 800-63B). The
 * service also refuses the person's own ID or mobile and the common-password list
 * (password-policy.ts), which the browser does not download.
 */
export const password = () =>
  z
    .string({ required_error: 'required', invalid_type_error: 'required' })
    .min(8, 'password.tooShort')
    .max(128, 'password.tooLong')
    .superRefine((v, ctx) => {
      // Only once the length is right: one message at a time beside the field.
      const problem = v.length >= 8 && v.length <= 128 ? passwordRuleProblem(v) : null;
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    });

/**
 * The passwords are checked in their own object joined by an intersection: a refine on the
 * whole object would be skipped while any other field is missing, and people would learn
 * about the mismatch only on their second attempt.
 */
export const signupSchema = (today: string) =>
  z.intersection(
    z.object({
      realName: text(50),
      idNumber: idNumber(today),
      mobile: mobile(),
      /** Optional: decisions are then also told by e-mail. */
      email: optionalEmail(),
    }),
    z
      .object({
        password: password(),
        confirmPassword: z.string({ required_error: 'required', invalid_type_error: 'required' }),
      })
      .refine((v) => v.password === v.confirmPassword, { message: 'password.mismatch', path: ['confirmPassword'] }),
  );

export type SignupInput = z.infer<ReturnType<typeof signupSchema>>;

export const loginSchema = z.object({
  identifier: text(64),
  password: z.string({ required_error: 'required', invalid_type_error: 'required' }).min(1, 'required').max(128, 'password.tooLong'),
});

export type LoginInput = z.infer<typeof loginSchema>;

/** Six digits; spaces are dropped because apps often show the code as "123 456". */
export const totpSchema = z.object({
  code: z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/\s+/g, '') : v),
    z.string({ required_error: 'required', invalid_type_error: 'required' }).min(1, 'required').regex(/^\d{6}$/, 'totp.format'),
  ),
});

export type TotpInput = z.infer<typeof totpSchema>;

/** A one-time code sent by SMS: six digits, spaces dropped ("123 456"). */
export const smsCode = () =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/\s+/g, '') : v),
    z.string({ required_error: 'required', invalid_type_error: 'required' }).min(1, 'required').max(12, 'code.format').regex(/^\d{6}$/, 'code.format'),
  );

export const codeSchema = z.object({ code: smsCode() });

/** Forgotten password, first step: the mobile or ID number the account was registered with. */
export const resetRequestSchema = z.object({ identifier: text(64) });

/** Forgotten password, second step: the code and the new password, twice. */
export const resetSchema = z.intersection(
  z.object({ code: smsCode() }),
  z
    .object({
      password: password(),
      confirmPassword: z.string({ required_error: 'required', invalid_type_error: 'required' }),
    })
    .refine((v) => v.password === v.confirmPassword, { message: 'password.mismatch', path: ['confirmPassword'] }),
);

/** Following an application without signing in: its number, as on the receipt. */
export const trackSchema = z.object({ number: text(40) });

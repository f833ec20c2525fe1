import { z } from 'zod';
import { idNumber, mobile, text } from '../validation/zod.js';

/** 8–128 characters, no composition rules (NIST SP 800-63B). */
export const password = () =>
  z.string({ required_error: 'required' }).min(8, 'password.tooShort').max(128, 'password.tooLong');

export const signupSchema = (today: string) =>
  z
    .object({
      realName: text(50),
      idNumber: idNumber(today),
      mobile: mobile(),
      password: password(),
      confirmPassword: z.string({ required_error: 'required' }),
    })
    .refine((v) => v.password === v.confirmPassword, { message: 'password.mismatch', path: ['confirmPassword'] });

export type SignupInput = z.infer<ReturnType<typeof signupSchema>>;

export const loginSchema = z.object({
  identifier: z.string({ required_error: 'required' }).trim().min(1, 'required').max(64, 'tooLong'),
  password: z.string({ required_error: 'required' }).min(1, 'required').max(128, 'password.tooLong'),
});

export type LoginInput = z.infer<typeof loginSchema>;

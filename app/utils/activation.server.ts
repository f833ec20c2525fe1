/**
 * The activation services, behind a .server module: they reach password hashing (argon2, a
 * native module) and the QR encoder, which must stay out of the browser bundle.
 */
export { beginActivation, completeActivation, pendingEnrolment, type Enrolment } from '#services/admin/activation';

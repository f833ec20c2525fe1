/**
 * The account services the auth routes call. Routes import them through this `.server`
 * module so the browser bundle never resolves argon2 or the database driver behind them.
 */
export { authenticate, rememberLanguage } from '#services/auth/accounts';
export { chinaDate } from '#services/calendar/working-days';

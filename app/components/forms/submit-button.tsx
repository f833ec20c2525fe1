import type { ButtonHTMLAttributes, ReactNode } from 'react';

/**
 * The form's primary action. `pending` (e.g. `useNavigation().state === 'submitting'`) disables
 * it against double submission while JS runs; without JS it is a plain submit button.
 * `name`/`value` may carry an intent (e.g. name="intent" value="save-draft").
 */
export function SubmitButton({
  children,
  pending = false,
  variant = 'primary',
  className,
  ...rest
}: { children: ReactNode; pending?: boolean; variant?: 'primary' | 'secondary' | 'danger' } & Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'type' | 'children'
>) {
  const classes = ['button', variant === 'primary' ? '' : variant, className ?? ''].filter(Boolean).join(' ');
  return (
    <button type="submit" className={classes} disabled={pending || rest.disabled} aria-disabled={pending || undefined} {...rest}>
      {children}
    </button>
  );
}

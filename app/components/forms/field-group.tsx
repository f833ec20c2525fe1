import type { ReactNode } from 'react';

/**
 * Several fields that belong together (a postal address) under one legend. `hint` says when
 * they apply: without JS every group shows, so the words must carry the condition; with JS
 * the page hides the group while it does not apply (`hidden`), keeping what was typed.
 */
export function FieldGroup({ id, legend, hint, hidden, children }: { id: string; legend: ReactNode; hint?: ReactNode; hidden?: boolean; children: ReactNode }) {
  return (
    <fieldset className="field-group" aria-describedby={hint ? `${id}-hint` : undefined} hidden={hidden} data-group={id}>
      <legend>{legend}</legend>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="form">{children}</div>
    </fieldset>
  );
}

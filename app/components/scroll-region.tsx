import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The one way a wide block scrolls sideways inside itself instead of widening the page at phone
 * width. A scrolling box must be reachable by keyboard (axe scrollable-region-focusable), so it is
 * focusable, and a focusable box needs a name; that name says what kind of box it is ("Table: …"),
 * so it never repeats the label of the section around it (axe landmark-unique).
 */
function useRegionName(label: string, kind: 'table' | 'text') {
  const { t } = useTranslation('common');
  return t(`common:scrollRegion.${kind}`, { label });
}

/** A table (or tables) that may be wider than a phone; `label` names what the table lists. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={useRegionName(label, 'table')}>
      {children}
    </div>
  );
}

/** Preformatted text (a key, a command) that keeps its lines and scrolls within itself. */
export function PreScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <pre className="pre-scroll" tabIndex={0} role="region" aria-label={useRegionName(label, 'text')}>
      {children}
    </pre>
  );
}

import { asc, desc } from 'drizzle-orm';
import { queueItems } from '../../db/schema/index.js';
import type { QueueItem } from './lease.js';

/**
 * The one order of the queue, for "take next" and the desk alike: returned supplements at the
 * front, then art. 32's completeness deadline, the committed due date, the service's priority
 * as its definition says (higher first: ServiceDefinition.priority, stored at filing), the time
 * received, and the id to break ties. The queue's partial indexes (db/schema/applications.ts)
 * hold these columns in this order and direction, so each walk reads rows already sorted.
 */
export const URGENCY_ORDER = [
  asc(queueItems.frontOfQueue),
  asc(queueItems.completenessDeadline),
  asc(queueItems.dueDate),
  desc(queueItems.priority),
  asc(queueItems.receivedAt),
  asc(queueItems.id),
] as const;

type Urgency = Pick<QueueItem, 'frontOfQueue' | 'completenessDeadline' | 'dueDate' | 'priority' | 'receivedAt' | 'id'>;

/** The same order in JavaScript: negative when a comes first. */
export function compareUrgency(a: Urgency, b: Urgency): number {
  const key = (i: Urgency) => [i.frontOfQueue, i.completenessDeadline, i.dueDate, -i.priority, i.receivedAt.getTime(), i.id] as const;
  const [ka, kb] = [key(a), key(b)];
  for (let k = 0; k < ka.length; k++) {
    const [x, y] = [ka[k], kb[k]];
    if (x === y) continue;
    // A date not yet known (its calendar year is not entered) sorts last, as ASC does in SQL.
    if (x === null || y === null) return x === null ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

import { asc, desc } from 'drizzle-orm';
import { queueItems } from '../../db/schema/index.js';

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

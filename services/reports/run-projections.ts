import type { Db } from '../../db/client.js';
import { foldDeskTallies } from '../queue/desk-tallies.js';
import { projectReports } from './projection.js';

/**
 * The worker's projections of what the write path appended (docs/decisions/0025): the report
 * figures from the audit trail, and the desk's tally changes into its tallies. Each is safe to
 * run from any number of workers at once and to repeat. Tests that read reports right after an
 * action call this instead of waiting for the worker.
 */
export async function runProjections(db: Db): Promise<{ reportEvents: number; deskChanges: number }> {
  const reportEvents = await projectReports(db);
  const deskChanges = await foldDeskTallies(db);
  return { reportEvents, deskChanges };
}

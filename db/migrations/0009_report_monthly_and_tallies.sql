CREATE TABLE "report_monthly" (
	"month" date NOT NULL,
	"office_code" text NOT NULL,
	"service_code" text NOT NULL,
	"department" text NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"received_cross_province" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"deemed_accepted" integer DEFAULT 0 NOT NULL,
	"not_accepted" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"completed_on_time" integer DEFAULT 0 NOT NULL,
	"completed_one_visit" integer DEFAULT 0 NOT NULL,
	"refused" integer DEFAULT 0 NOT NULL,
	"withdrawn" integer DEFAULT 0 NOT NULL,
	"notices" integer DEFAULT 0 NOT NULL,
	"override_notices" integer DEFAULT 0 NOT NULL,
	"ratings" integer DEFAULT 0 NOT NULL,
	"ratings_satisfied" integer DEFAULT 0 NOT NULL,
	"total_days" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"waiting_days" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"office_days" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"clerk_decided" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"clerk_completed" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"missing" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "report_monthly_month_office_code_service_code_department_pk" PRIMARY KEY("month","office_code","service_code","department")
);
--> statement-breakpoint
ALTER TABLE "report_daily" ADD COLUMN "total_days" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily" ADD COLUMN "waiting_days" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily" ADD COLUMN "office_days" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily" ADD COLUMN "clerk_decided" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily" ADD COLUMN "clerk_completed" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily" ADD COLUMN "missing" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Tallies are jsonb objects of counts ({"3": 12}); this adds two of them key by key.
CREATE OR REPLACE FUNCTION rollup_add_counts(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb)
  FROM (SELECT k, sum(v)::int AS n
        FROM (SELECT key AS k, value::int AS v FROM jsonb_each_text(coalesce(a, '{}'::jsonb))
              UNION ALL
              SELECT key, value::int FROM jsonb_each_text(coalesce(b, '{}'::jsonb))) x
        GROUP BY k) y
$$;
--> statement-breakpoint
CREATE AGGREGATE rollup_sum_counts(jsonb) (SFUNC = rollup_add_counts, STYPE = jsonb, INITCOND = '{}');
--> statement-breakpoint
-- The whole rollup rebuilt from the raw tables, set-based, for backfills and for seed:volume
-- (services/reports/recount.ts is the same in TypeScript, event by event; the drift test checks
-- that both agree with what the live hook wrote). Definitions: services/reports/counters.ts.
CREATE OR REPLACE FUNCTION rebuild_report_rollup() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_daily;
  DELETE FROM report_monthly;
  INSERT INTO report_daily (day, office_code, service_code, department, received, received_cross_province, accepted,
                            deemed_accepted, not_accepted, completed, completed_on_time, completed_one_visit, refused,
                            withdrawn, notices, override_notices, ratings, ratings_satisfied,
                            total_days, waiting_days, office_days, clerk_decided, clerk_completed, missing)
  WITH wd AS (
    -- Working days up to and including each day: between(a, b) = cum(b) - cum(a).
    SELECT d::date AS day,
           sum(CASE WHEN c.kind = 'workday' THEN 1 WHEN c.kind = 'holiday' THEN 0
                    WHEN extract(isodow FROM d) IN (6, 7) THEN 0 ELSE 1 END) OVER (ORDER BY d) AS cum
    FROM generate_series(date '2000-01-01', current_date + 3650, interval '1 day') d
    LEFT JOIN calendar_days c ON c.day = d::date
  ), ev AS (
    SELECT (e.at AT TIME ZONE 'Asia/Shanghai')::date AS day, e.office_code, a.service_code, a.department, e.to_status, e.action,
           e.actor_id, e.data, a.id AS app_id, a.due_date, a.applicant_id
    FROM audit_events e JOIN applications a ON a.id = e.application_id
    WHERE e.to_status IN ('submitted','accepted','not_accepted','completed','refused','withdrawn','needs_supplement')
      AND e.office_code IS NOT NULL
  ), counters AS (
    SELECT day, office_code, service_code, department,
           sum(received)::int AS received, sum(cross_p)::int AS cross_p, sum(accepted)::int AS accepted, sum(deemed)::int AS deemed,
           sum(not_acc)::int AS not_acc, sum(completed)::int AS completed, sum(on_time)::int AS on_time, sum(one_visit)::int AS one_visit,
           sum(refused)::int AS refused, sum(withdrawn)::int AS withdrawn, sum(notices)::int AS notices, sum(override_n)::int AS override_n,
           sum(ratings)::int AS ratings, sum(satisfied)::int AS satisfied
    FROM (
      SELECT ev.day, ev.office_code, ev.service_code, ev.department,
             (ev.to_status = 'submitted')::int AS received,
             (ev.to_status = 'submitted' AND u.id_number IS NOT NULL AND o.city_code IS NOT NULL
               AND left(u.id_number, 2) <> left(o.city_code, 2))::int AS cross_p,
             (ev.to_status = 'accepted')::int AS accepted,
             (ev.to_status = 'accepted' AND ev.action = 'application.deemedAccepted')::int AS deemed,
             (ev.to_status = 'not_accepted')::int AS not_acc,
             (ev.to_status = 'completed')::int AS completed,
             (ev.to_status = 'completed' AND ev.due_date IS NOT NULL AND ev.day <= ev.due_date)::int AS on_time,
             (ev.to_status = 'completed' AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.application_id = ev.app_id))::int AS one_visit,
             (ev.to_status = 'refused')::int AS refused,
             (ev.to_status = 'withdrawn')::int AS withdrawn,
             (ev.to_status = 'needs_supplement')::int AS notices,
             (ev.to_status = 'needs_supplement' AND coalesce(ev.data->>'overrideBy', '') <> '')::int AS override_n,
             0 AS ratings, 0 AS satisfied
      FROM ev JOIN users u ON u.id = ev.applicant_id LEFT JOIN offices o ON o.code = ev.office_code
      UNION ALL
      SELECT day, office_code, service_code, department, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (score >= 3)::int FROM ratings
    ) x
    GROUP BY 1, 2, 3, 4
  ), waits AS (
    -- Hash joins, not a subquery per application: wd has no index.
    SELECT w.application_id, sum(greatest(0, we.cum - ws.cum)) AS waiting
    FROM waiting_intervals w
    JOIN applications a ON a.id = w.application_id
    JOIN wd ws ON ws.day = (w.started_at AT TIME ZONE 'Asia/Shanghai')::date
    JOIN wd we ON we.day = coalesce((w.ended_at AT TIME ZONE 'Asia/Shanghai')::date, (a.decided_at AT TIME ZONE 'Asia/Shanghai')::date)
    WHERE a.status IN ('completed', 'refused') AND a.decided_at IS NOT NULL
    GROUP BY 1
  ), decided AS (
    SELECT (a.decided_at AT TIME ZONE 'Asia/Shanghai')::date AS day, a.office_code, a.service_code, a.department,
           CASE WHEN a.submitted_at IS NULL THEN 0 ELSE greatest(0, d.cum - s.cum) END AS total,
           coalesce(waits.waiting, 0) AS waiting
    FROM applications a
    JOIN wd d ON d.day = (a.decided_at AT TIME ZONE 'Asia/Shanghai')::date
    LEFT JOIN wd s ON s.day = (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date
    LEFT JOIN waits ON waits.application_id = a.id
    WHERE a.status IN ('completed', 'refused') AND a.decided_at IS NOT NULL AND a.office_code IS NOT NULL
  ), t_total AS (
    SELECT day, office_code, service_code, department, jsonb_object_agg(v::text, n) AS j
    FROM (SELECT day, office_code, service_code, department, total AS v, count(*)::int AS n FROM decided GROUP BY 1, 2, 3, 4, 5) x GROUP BY 1, 2, 3, 4
  ), t_waiting AS (
    SELECT day, office_code, service_code, department, jsonb_object_agg(v::text, n) AS j
    FROM (SELECT day, office_code, service_code, department, waiting AS v, count(*)::int AS n FROM decided GROUP BY 1, 2, 3, 4, 5) x GROUP BY 1, 2, 3, 4
  ), t_office AS (
    SELECT day, office_code, service_code, department, jsonb_object_agg(v::text, n) AS j
    FROM (SELECT day, office_code, service_code, department, greatest(0, total - waiting) AS v, count(*)::int AS n FROM decided GROUP BY 1, 2, 3, 4, 5) x
    GROUP BY 1, 2, 3, 4
  ), clerk AS (
    SELECT day, office_code, service_code, department, actor_id::text AS v, count(*)::int AS n,
           count(*) FILTER (WHERE to_status = 'completed')::int AS c
    FROM ev WHERE to_status IN ('accepted','not_accepted','completed','refused') AND actor_id IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
  ), t_clerk AS (
    SELECT day, office_code, service_code, department, jsonb_object_agg(v, n) AS decided,
           coalesce(jsonb_object_agg(v, c) FILTER (WHERE c > 0), '{}'::jsonb) AS completed
    FROM clerk GROUP BY 1, 2, 3, 4
  ), t_missing AS (
    SELECT day, office_code, service_code, department, jsonb_object_agg(v, n) AS j
    FROM (SELECT n.issue_date AS day, n.office_code, a.service_code, a.department, item->>'materialCode' AS v, count(*)::int AS n
          FROM notices n JOIN applications a ON a.id = n.application_id, jsonb_array_elements(n.items) item
          GROUP BY 1, 2, 3, 4, 5) x
    GROUP BY 1, 2, 3, 4
  ), k AS (
    SELECT day, office_code, service_code, department FROM counters UNION
    SELECT day, office_code, service_code, department FROM t_total UNION
    SELECT day, office_code, service_code, department FROM t_clerk UNION
    SELECT day, office_code, service_code, department FROM t_missing
  )
  SELECT k.day, k.office_code, k.service_code, k.department,
         coalesce(c.received, 0), coalesce(c.cross_p, 0), coalesce(c.accepted, 0), coalesce(c.deemed, 0), coalesce(c.not_acc, 0),
         coalesce(c.completed, 0), coalesce(c.on_time, 0), coalesce(c.one_visit, 0), coalesce(c.refused, 0), coalesce(c.withdrawn, 0),
         coalesce(c.notices, 0), coalesce(c.override_n, 0), coalesce(c.ratings, 0), coalesce(c.satisfied, 0),
         coalesce(tt.j, '{}'), coalesce(tw.j, '{}'), coalesce(tof.j, '{}'), coalesce(tc.decided, '{}'), coalesce(tc.completed, '{}'),
         coalesce(tm.j, '{}')
  FROM k
  LEFT JOIN counters c USING (day, office_code, service_code, department)
  LEFT JOIN t_total tt USING (day, office_code, service_code, department)
  LEFT JOIN t_waiting tw USING (day, office_code, service_code, department)
  LEFT JOIN t_office tof USING (day, office_code, service_code, department)
  LEFT JOIN t_clerk tc USING (day, office_code, service_code, department)
  LEFT JOIN t_missing tm USING (day, office_code, service_code, department);

  INSERT INTO report_monthly (month, office_code, service_code, department, received, received_cross_province, accepted,
                              deemed_accepted, not_accepted, completed, completed_on_time, completed_one_visit, refused,
                              withdrawn, notices, override_notices, ratings, ratings_satisfied,
                              total_days, waiting_days, office_days, clerk_decided, clerk_completed, missing)
  SELECT date_trunc('month', day)::date, office_code, service_code, department, sum(received), sum(received_cross_province), sum(accepted),
         sum(deemed_accepted), sum(not_accepted), sum(completed), sum(completed_on_time), sum(completed_one_visit), sum(refused),
         sum(withdrawn), sum(notices), sum(override_notices), sum(ratings), sum(ratings_satisfied),
         rollup_sum_counts(total_days), rollup_sum_counts(waiting_days), rollup_sum_counts(office_days),
         rollup_sum_counts(clerk_decided), rollup_sum_counts(clerk_completed), rollup_sum_counts(missing)
  FROM report_daily GROUP BY 1, 2, 3, 4;
END;
$$;
--> statement-breakpoint
-- Backfill: existing installations get the monthly grain and the tallies from their raw history.
SELECT rebuild_report_rollup();

-- The physical limit of a filing (bench/submissions.ts): only what a filing must write, the
-- application row (numbered from the same sequence) and its queue item, in one transaction, with
-- the tables' own indexes and triggers (the desk's tally change). No session check, files, audit
-- row or receipt message: what the portal adds to this is the price of everything else.
-- Run as: pgbench -n -M extended -f minimal-filing.sql -D uid=<citizen id>
\set r random(1, 1000000000000000)
begin;
insert into applications (id, number, applicant_id, service_code, department, status, answers, office_code, priority, submitted_at, completeness_deadline, due_date)
  values (md5((:client_id)::text || '-' || (:r)::text)::uuid, 'GA' || lpad(nextval('application_number_seq')::text, 14, '0'), :uid,
          'household-certificate', 'hukou', 'submitted', '{"kind":"kinship"}', 'sh-huangpu', 3, now(), current_date + 7, current_date + 1);
insert into queue_items (application_id, office_code, department, service_code, priority, received_at, completeness_deadline, due_date, state)
  values (md5((:client_id)::text || '-' || (:r)::text)::uuid, 'sh-huangpu', 'hukou', 'household-certificate', 3, now(), current_date + 7, current_date + 1, 'waiting');
commit;

-- A copy of ../shared/bench/taskdetail.sql, used by 'ferry bench' when that file is not found next to the repository.
-- Benchmark workload: a warehouse task-detail table shaped like the
-- TASKDETAIL table that warehouse systems keep (22 columns, ~250 bytes a row).
-- Usage: psql -v rows=1000000 -f taskdetail.sql   (creates bench_src.taskdetail)
\if :{?rows}
\else
\set rows 1000000
\endif
CREATE SCHEMA IF NOT EXISTS bench_src;
DROP TABLE IF EXISTS bench_src.taskdetail;
CREATE TABLE bench_src.taskdetail (
  taskdetailkey   varchar(10) PRIMARY KEY,
  whseid          varchar(30) NOT NULL,
  tasktype        varchar(10) NOT NULL,
  storerkey       varchar(15) NOT NULL,
  sku             varchar(50) NOT NULL,
  lot             varchar(10),
  fromloc         varchar(10),
  toloc           varchar(10),
  fromid          varchar(18),
  toid            varchar(18),
  qty             numeric(22,5) NOT NULL,
  uom             varchar(10),
  status          varchar(10) NOT NULL,
  priority        smallint,
  userkey         varchar(18),
  orderkey        varchar(10),
  orderlinenumber varchar(5),
  wavekey         varchar(10),
  starttime       timestamptz,
  endtime         timestamptz,
  adddate         timestamptz NOT NULL,
  editdate        timestamptz NOT NULL
);
INSERT INTO bench_src.taskdetail
SELECT lpad(g::text, 10, '0'),
       'wmwhse' || (1 + g % 4),
       (ARRAY['PK','PA','MV','RP','CC','LD'])[1 + g % 6],
       'STORER' || (1 + g % 25),
       'SKU-' || lpad(((g * 7919) % 200000)::text, 6, '0'),
       lpad((g % 99991)::text, 10, '0'),
       'L' || lpad(((g * 31) % 50000)::text, 6, '0'),
       'L' || lpad(((g * 37) % 50000)::text, 6, '0'),
       'ID' || lpad((g % 777777)::text, 12, '0'),
       'ID' || lpad(((g + 13) % 777777)::text, 12, '0'),
       round(((g * 13) % 10000) / 7.0, 5),
       (ARRAY['EA','CS','PL'])[1 + g % 3],
       (ARRAY['0','3','9','X'])[1 + g % 4],
       (g % 9)::smallint,
       'user' || (g % 300),
       lpad(((g / 7))::text, 10, '0'),
       lpad((g % 40)::text, 5, '0'),
       lpad((g / 500)::text, 10, '0'),
       timestamptz '2026-01-01' + (g || ' seconds')::interval,
       timestamptz '2026-01-01' + ((g + 90) || ' seconds')::interval,
       timestamptz '2026-01-01' + (g || ' seconds')::interval,
       timestamptz '2026-01-01' + ((g * 2) || ' seconds')::interval
FROM generate_series(1::bigint, :rows) g;
ANALYZE bench_src.taskdetail;

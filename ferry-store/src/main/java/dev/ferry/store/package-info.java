/**
 * Ferry's durable state over JDBC: {@link dev.ferry.store.JdbcStateStore} keeps runs, per-sync checkpoints and
 * high-water marks, destination leases and dead letters in four {@code ferry_} tables, created by Flyway from
 * {@code db/ferry/{h2,postgresql,mysql}} (history table {@code ferry_schema_history}).
 *
 * <ul>
 *   <li>H2 file (the default, {@code jdbc:h2:file:./.ferry/state}) is opened with AUTO_SERVER=TRUE so that a
 *       second process ({@code ferry status}, or a second {@code ferry run} checking the lease) can share it, and
 *       WRITE_DELAY=0 so a killed process loses no committed checkpoint, and MAX_LENGTH_INPLACE_LOB=4096 so texts
 *       up to 4 KB (a bidirectional base row) stay in their row rather than in H2's slower LOB storage.</li>
 *   <li>PostgreSQL may name a schema with {@code ?currentSchema=NAME}; it is created if missing.</li>
 *   <li>MariaDB/MySQL uses the database named in the URL; its DATETIME columns hold UTC.</li>
 * </ul>
 *
 * Leases are fenced by an epoch: every checkpoint write re-checks {@code run_id} and {@code epoch} in its own
 * transaction. Lease ages are measured by the database clock.
 */
package dev.ferry.store;

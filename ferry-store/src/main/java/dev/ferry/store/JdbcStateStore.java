package dev.ferry.store;

import dev.ferry.core.Checkpoint;
import dev.ferry.core.Counters;
import dev.ferry.core.DeadLetter;
import dev.ferry.core.DigestEntry;
import dev.ferry.spi.RangeDigest;
import dev.ferry.core.Lease;
import dev.ferry.core.LeaseHeldException;
import dev.ferry.core.LeaseLostException;
import dev.ferry.core.Phase;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunStatus;
import dev.ferry.core.StateStore;
import dev.ferry.core.SyncState;
import dev.ferry.spi.SyncException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link StateStore} over JDBC: H2 (the embedded default), PostgreSQL (shared by a cluster) or MariaDB.
 * The schema is created and upgraded by Flyway on open.
 *
 * <p>One connection per store, guarded by a lock: the engine's heartbeat thread and its batch loop share the store,
 * and every operation is one short transaction. Several processes may share the database; leases keep one
 * writer per destination, and every checkpoint write re-checks the lease's epoch in its own transaction.
 */
public final class JdbcStateStore implements StateStore {
    public static final String DEFAULT_URL = "jdbc:h2:file:./.ferry/state";
    public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(JdbcStateStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT_MAP = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final String RUN_COLUMNS = "run_id, sync_name, destination, status, phase, total, processed, inserted, "
            + "updated, unchanged, skipped, failed, merged, started_at, finished_at, message, error, resumed_from, options_json, stats_json";

    private final String url;
    private final String displayUrl;
    private final String user;
    private final String password;
    private final Dialect dialect;
    private final String host = localHostName();
    private final long pid = ProcessHandle.current().pid();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Duration leaseTimeout = DEFAULT_LEASE_TIMEOUT;
    private Connection connection; // guarded by lock
    private boolean closed;         // guarded by lock

    private JdbcStateStore(String url, String user, String password) {
        this.url = StoreUrl.withDefaults(url);
        this.displayUrl = StoreUrl.redact(url);
        this.user = user;
        this.password = password;
        this.dialect = Dialect.of(url);
    }

    /** Opens the default embedded store, {@value #DEFAULT_URL}. */
    public static JdbcStateStore open() {
        return open(DEFAULT_URL, null, null);
    }

    public static JdbcStateStore open(String url) {
        return open(url, null, null);
    }

    /**
     * Opens (and migrates) the store at {@code url}.
     *
     * @throws SyncException one line naming the URL (without a password) and what to do, if it cannot be opened
     */
    public static JdbcStateStore open(String url, String user, String password) {
        Objects.requireNonNull(url, "url");
        JdbcStateStore store = new JdbcStateStore(url.trim(), user, password);
        try {
            if (!store.schemaIsCurrent()) store.migrate();
            store.lock.lock();
            try {
                store.connection();
            } finally {
                store.lock.unlock();
            }
            return store;
        } catch (RuntimeException | SQLException e) {
            store.close();
            throw OpenFailure.explain(store.displayUrl, store.dialect, user, e);
        }
    }

    /** Heartbeats older than this mark a lease stale, whoever holds it (default 60 s). */
    public JdbcStateStore leaseTimeout(Duration timeout) {
        if (timeout.isNegative()) throw new IllegalArgumentException("lease time-out must not be negative: " + timeout);
        this.leaseTimeout = timeout;
        return this;
    }

    public Duration leaseTimeout() {
        return leaseTimeout;
    }

    /** The URL without its password, for messages. */
    public String displayUrl() {
        return displayUrl;
    }

    /** The newest migration under db/ferry/*: a store at this version needs no Flyway run (saves ~1 s of start-up). */
    static final int SCHEMA_VERSION = 5;

    private boolean schemaIsCurrent() {
        // Flyway's history table and columns are quoted lower-case names
        String q = dialect == Dialect.MARIADB ? "`" : "\"";
        String sql = "SELECT " + q + "version" + q + " FROM " + q + "ferry_schema_history" + q + " WHERE " + q + "success" + q
                + " = " + (dialect == Dialect.MARIADB ? "1" : "TRUE");
        lock.lock();
        try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int newest = 0;
            while (rs.next()) {
                String v = rs.getString(1);
                if (v != null && v.matches("\\d+")) newest = Math.max(newest, Integer.parseInt(v));
            }
            connection().commit();
            return newest == SCHEMA_VERSION;
        } catch (SQLException e) {
            try {
                if (connection != null) connection.rollback(); // PostgreSQL aborts the transaction on a missing table
            } catch (SQLException ignored) {
                // the connection is re-checked on first use
            }
            return false; // no history yet (or unreadable): let Flyway decide
        } finally {
            lock.unlock();
        }
    }

    private void migrate() {
        FluentConfiguration config = Flyway.configure(JdbcStateStore.class.getClassLoader())
                .dataSource(url, user, password)
                .locations("classpath:db/ferry/" + dialect.migrations)
                .table("ferry_schema_history")
                // a shared database may already hold other tables: baseline below V1 so V1 still runs
                .baselineOnMigrate(true)
                .baselineVersion("0")
                // V3, V4 and V5 were written on parallel branches: a store that has V5 still takes V3 and V4
                .outOfOrder(true)
                .failOnMissingLocations(true);
        StoreUrl.postgresSchema(url).ifPresent(schema -> config.schemas(schema).createSchemas(true));
        config.load().migrate();
    }

    // ------------------------------------------------------------------ leases

    /** Base, side cursors and conflicts of bidirectional syncs, in this store's database. */
    @Override
    public Optional<dev.ferry.core.bidi.BidiStore> bidi() {
        return Optional.of(new JdbcBidiStore(this, dialect));
    }

    @Override
    public Lease acquireLease(String resource, String runId) {
        ensureLeaseRow(resource);
        return inTransaction("take the lease on " + resource, c -> {
            String holder;
            long epoch;
            String holderHost;
            Long holderPid;
            Long ageMillis;
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, epoch, host, pid, " + dialect.heartbeatAgeMillis
                    + " AS age_ms FROM ferry_leases WHERE resource = ? FOR UPDATE")) {
                ps.setString(1, resource);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new SyncException("lease row for " + resource + " vanished; run again");
                    holder = rs.getString("run_id");
                    epoch = rs.getLong("epoch");
                    holderHost = rs.getString("host");
                    holderPid = nullableLong(rs, "pid");
                    ageMillis = nullableLong(rs, "age_ms");
                }
            }
            Optional<String> tookOverFrom = Optional.empty();
            if (holder != null && !holder.equals(runId)) {
                String stale = staleReason(holderHost, holderPid, ageMillis);
                if (stale == null) {
                    throw new LeaseHeldException(resource, holder, "pid " + holderPid + " on host " + holderHost
                            + ", heartbeat " + (ageMillis == null ? "never" : Math.max(0, ageMillis / 1000) + "s ago"));
                }
                log.warn("lease={} run={} takes over from run={} ({})", resource, runId, holder, stale);
                tookOverFrom = Optional.of(holder);
            }
            // conditional on the epoch we read: a concurrent taker (if the row lock were not honoured) loses here
            try (PreparedStatement ps = c.prepareStatement("UPDATE ferry_leases SET run_id = ?, epoch = epoch + 1, host = ?, pid = ?, "
                    + "acquired_at = " + dialect.now + ", heartbeat_at = " + dialect.now + " WHERE resource = ? AND epoch = ?")) {
                ps.setString(1, runId);
                ps.setString(2, host);
                ps.setLong(3, pid);
                ps.setString(4, resource);
                ps.setLong(5, epoch);
                if (ps.executeUpdate() != 1) {
                    throw new LeaseHeldException(resource, "(another run)", "taken at the same instant");
                }
            }
            return new Lease(resource, runId, epoch + 1, tookOverFrom);
        });
    }

    /** Why a held lease may be taken over, or null if its holder looks alive. */
    private String staleReason(String holderHost, Long holderPid, Long ageMillis) {
        if (host.equals(holderHost) && holderPid != null && holderPid != pid
                && !ProcessHandle.of(holderPid).map(ProcessHandle::isAlive).orElse(false)) {
            return "its process " + holderPid + " on " + holderHost + " is gone";
        }
        if (ageMillis == null || ageMillis > leaseTimeout.toMillis()) {
            return "no heartbeat for " + (ageMillis == null ? "ever" : ageMillis / 1000 + "s") + ", time-out " + leaseTimeout.toSeconds() + "s";
        }
        return null;
    }

    /** Inserts a released row if none exists, in its own transaction, so that acquiring can always lock a row. */
    private void ensureLeaseRow(String resource) {
        inTransaction("prepare the lease on " + resource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM ferry_leases WHERE resource = ?")) {
                ps.setString(1, resource);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return null;
                }
            }
            Savepoint sp = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ferry_leases (resource, run_id, epoch) VALUES (?, NULL, 0)")) {
                ps.setString(1, resource);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!isDuplicate(e)) throw e;
                c.rollback(sp); // another process inserted it first: fine
            }
            return null;
        });
    }

    @Override
    public void heartbeat(Lease lease) {
        inTransaction("refresh the lease on " + lease.resource(), c -> {
            fence(c, lease);
            return null;
        });
    }

    /**
     * Proves the lease is still ours and refreshes its heartbeat, in the caller's transaction. The UPDATE locks the
     * lease row until commit, so a takeover cannot slip between this check and the caller's write.
     */
    private void fence(Connection c, Lease lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE ferry_leases SET heartbeat_at = " + dialect.now
                + " WHERE resource = ? AND run_id = ? AND epoch = ?")) {
            ps.setString(1, lease.resource());
            ps.setString(2, lease.runId());
            ps.setLong(3, lease.epoch());
            if (ps.executeUpdate() != 1) throw new LeaseLostException(lease);
        }
    }

    @Override
    public void releaseLease(Lease lease) {
        inTransaction("release the lease on " + lease.resource(), c -> {
            // keep the epoch: the next holder counts on from it
            try (PreparedStatement ps = c.prepareStatement("UPDATE ferry_leases SET run_id = NULL, host = NULL, pid = NULL, "
                    + "heartbeat_at = NULL WHERE resource = ? AND run_id = ? AND epoch = ?")) {
                ps.setString(1, lease.resource());
                ps.setString(2, lease.runId());
                ps.setLong(3, lease.epoch());
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ sync state

    @Override
    public SyncState loadState(String syncName) {
        return inTransaction("load the state of sync " + syncName, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM ferry_checkpoints WHERE sync_name = ?")) {
                ps.setString(1, syncName);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return SyncState.empty(syncName);
                    String cpRun = rs.getString("checkpoint_run_id");
                    Optional<Checkpoint> cp = cpRun == null ? Optional.empty() : Optional.of(new Checkpoint(cpRun,
                            Optional.ofNullable(rs.getString("source_position")),
                            Optional.ofNullable(rs.getString("cursor_from")),
                            Optional.ofNullable(rs.getString("cursor_to")),
                            rs.getLong("next_seq"), counters(rs)));
                    return new SyncState(syncName, cp, Optional.ofNullable(rs.getString("high_water_mark")));
                }
            }
        });
    }

    @Override
    public void saveCheckpoint(Lease lease, String syncName, Checkpoint cp) {
        inTransaction("save the checkpoint of sync " + syncName, c -> {
            fence(c, lease);
            Counters n = cp.counters();
            Object[] values = {cp.runId(), cp.position().orElse(null), cp.cursorFrom().orElse(null), cp.cursorTo().orElse(null),
                    cp.nextSeq(), n.total(), n.processed(), n.inserted(), n.updated(), n.unchanged(), n.skipped(), n.failed(), n.merged()};
            upsertCheckpoint(c, syncName, values, false, null);
            if (cp.digest().isPresent()) insertDigests(c, syncName, 1, List.of(cp.digest().get()));
            return null;
        });
    }

    @Override
    public void completePass(Lease lease, String syncName, Optional<String> highWaterMark) {
        completePassInternal(lease, syncName, highWaterMark);
    }

    // ------------------------------------------------------------------ range digests

    @Override
    public List<DigestEntry> currentDigests(String syncName) {
        return inTransaction("load the range digests of sync " + syncName, c -> {
            List<DigestEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ordinal, first_key, row_count, hash FROM ferry_digests "
                    + "WHERE sync_name = ? AND generation = 0 ORDER BY ordinal")) {
                ps.setString(1, syncName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DigestEntry(rs.getLong(1), new RangeDigest(Optional.ofNullable(rs.getString(2)),
                                rs.getLong(3), rs.getLong(4))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void startDigests(String syncName, List<DigestEntry> carried) {
        inTransaction("start recording the range digests of sync " + syncName, c -> {
            deleteDigests(c, syncName, "generation = 1");
            insertDigests(c, syncName, 1, carried);
            return null;
        });
    }

    @Override
    public void promoteDigests(String syncName) {
        inTransaction("keep the range digests of sync " + syncName, c -> {
            deleteDigests(c, syncName, "generation = 0");
            try (PreparedStatement ps = c.prepareStatement("UPDATE ferry_digests SET generation = 0 WHERE sync_name = ? AND generation = 1")) {
                ps.setString(1, syncName);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void dropDigests(String syncName) {
        inTransaction("drop the range digests of sync " + syncName, c -> {
            deleteDigests(c, syncName, "1 = 1");
            return null;
        });
    }

    private static void deleteDigests(Connection c, String syncName, String which) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ferry_digests WHERE sync_name = ? AND " + which)) {
            ps.setString(1, syncName);
            ps.executeUpdate();
        }
    }

    /** One batched statement: a pass over a big table carries hundreds of ranges over at once. */
    private static void insertDigests(Connection c, String syncName, int generation, List<DigestEntry> entries) throws SQLException {
        if (entries.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ferry_digests (sync_name, generation, ordinal, first_key, row_count, hash) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (DigestEntry e : entries) {
                ps.setString(1, syncName);
                ps.setInt(2, generation);
                ps.setLong(3, e.ordinal());
                ps.setString(4, e.digest().firstKey().orElse(null));
                ps.setLong(5, e.digest().rows());
                ps.setLong(6, e.digest().hash());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void completePassInternal(Lease lease, String syncName, Optional<String> highWaterMark) {
        inTransaction("complete the pass of sync " + syncName, c -> {
            fence(c, lease);
            upsertCheckpoint(c, syncName, new Object[13], true, highWaterMark.orElse(null));
            return null;
        });
    }

    private static final String CHECKPOINT_SET = "checkpoint_run_id = ?, source_position = ?, cursor_from = ?, cursor_to = ?, "
            + "next_seq = ?, total = ?, processed = ?, inserted = ?, updated = ?, unchanged = ?, skipped = ?, failed = ?, merged = ?";

    /** Writes the 13 checkpoint columns, and the high-water mark too when {@code withMark}. */
    private void upsertCheckpoint(Connection c, String syncName, Object[] values, boolean withMark, String mark) throws SQLException {
        String set = CHECKPOINT_SET + (withMark ? ", high_water_mark = ?" : "") + ", saved_at = " + dialect.now;
        upsert(c,
                "UPDATE ferry_checkpoints SET " + set + " WHERE sync_name = ?",
                "INSERT INTO ferry_checkpoints (checkpoint_run_id, source_position, cursor_from, cursor_to, next_seq, total, "
                        + "processed, inserted, updated, unchanged, skipped, failed, merged, high_water_mark, saved_at, sync_name) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + dialect.now + ", ?)",
                (ps, insert) -> {
                    int i = 1;
                    for (Object v : values) {
                        setNullable(ps, i, v, i <= 4 ? Types.VARCHAR : Types.BIGINT); // 4 texts, then 9 numbers
                        i++;
                    }
                    if (withMark || insert) ps.setString(i++, mark);
                    ps.setString(i, syncName);
                });
    }

    @Override
    public void resetState(String syncName) {
        inTransaction("reset the state of sync " + syncName, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ferry_checkpoints WHERE sync_name = ?")) {
                ps.setString(1, syncName);
                ps.executeUpdate();
            }
            deleteDigests(c, syncName, "1 = 1");
            return null;
        });
    }

    // ------------------------------------------------------------------ runs

    @Override
    public void saveRun(RunInfo run) {
        String options = toJson(run.options());
        String stats = toJson(run.stats());
        inTransaction("save run " + run.runId(), c -> {
            upsert(c,
                    "UPDATE ferry_runs SET sync_name = ?, destination = ?, status = ?, phase = ?, total = ?, processed = ?, "
                            + "inserted = ?, updated = ?, unchanged = ?, skipped = ?, failed = ?, merged = ?, started_at = ?, finished_at = ?, "
                            + "message = ?, error = ?, resumed_from = ?, options_json = ?, stats_json = ?, saved_at = " + dialect.now
                            + " WHERE run_id = ?",
                    "INSERT INTO ferry_runs (sync_name, destination, status, phase, total, processed, inserted, updated, "
                            + "unchanged, skipped, failed, merged, started_at, finished_at, message, error, resumed_from, options_json, "
                            + "stats_json, saved_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                            + dialect.now + ", ?)",
                    (ps, insert) -> {
                        Counters n = run.counters();
                        ps.setString(1, run.syncName());
                        ps.setString(2, run.destination());
                        ps.setString(3, run.status().name());
                        ps.setString(4, run.phase().name());
                        long[] counts = {n.total(), n.processed(), n.inserted(), n.updated(), n.unchanged(), n.skipped(), n.failed(),
                                n.merged()};
                        for (int k = 0; k < counts.length; k++) ps.setLong(5 + k, counts[k]);
                        dialect.setInstant(ps, 13, run.startedAt());
                        dialect.setInstant(ps, 14, run.finishedAt().orElse(null));
                        ps.setString(15, run.message().orElse(null));
                        ps.setString(16, run.error().orElse(null));
                        ps.setString(17, run.resumedFrom().orElse(null));
                        ps.setString(18, options);
                        ps.setString(19, stats);
                        ps.setString(20, run.runId());
                    });
            return null;
        });
    }

    @Override
    public Optional<RunInfo> findRun(String runId) {
        return inTransaction("find run " + runId, c -> {
            List<RunInfo> runs = queryRuns(c, "SELECT " + RUN_COLUMNS + " FROM ferry_runs WHERE run_id = ?", runId);
            return runs.stream().findFirst();
        });
    }

    @Override
    public List<RunInfo> history(Optional<String> syncName, int limit) {
        if (limit <= 0) return List.of();
        String order = " ORDER BY started_at DESC, run_id DESC LIMIT " + limit;
        return inTransaction("read the run history", c -> syncName.isPresent()
                ? queryRuns(c, "SELECT " + RUN_COLUMNS + " FROM ferry_runs WHERE sync_name = ?" + order, syncName.get())
                : queryRuns(c, "SELECT " + RUN_COLUMNS + " FROM ferry_runs" + order));
    }

    @Override
    public List<RunInfo> activeRuns() {
        return inTransaction("list the active runs", c -> queryRuns(c, "SELECT " + RUN_COLUMNS
                + " FROM ferry_runs WHERE status = ? ORDER BY started_at, run_id", RunStatus.RUNNING.name()));
    }

    @Override
    public int deleteRunsFinishedBefore(Instant cutoff) {
        return inTransaction("delete runs past retention", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ferry_runs WHERE finished_at IS NOT NULL AND finished_at < ? "
                    + "AND status <> ? AND NOT EXISTS (SELECT 1 FROM ferry_dead_letters d WHERE d.run_id = ferry_runs.run_id "
                    + "AND d.resolved_at IS NULL)")) {
                dialect.setInstant(ps, 1, cutoff);
                ps.setString(2, RunStatus.RUNNING.name());
                return ps.executeUpdate();
            }
        });
    }

    private List<RunInfo> queryRuns(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            List<RunInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RunInfo(rs.getString("run_id"), rs.getString("sync_name"), rs.getString("destination"),
                            RunStatus.valueOf(rs.getString("status")), Phase.valueOf(rs.getString("phase")), counters(rs),
                            dialect.getInstant(rs, "started_at"), Optional.ofNullable(dialect.getInstant(rs, "finished_at")),
                            Optional.ofNullable(rs.getString("message")), Optional.ofNullable(rs.getString("error")),
                            Optional.ofNullable(rs.getString("resumed_from")),
                            objectMap(rs.getString("options_json")), objectMap(rs.getString("stats_json"))));
                }
            }
            return out;
        }
    }

    private static Counters counters(ResultSet rs) throws SQLException {
        return new Counters(rs.getLong("total"), rs.getLong("processed"), rs.getLong("inserted"), rs.getLong("updated"),
                rs.getLong("unchanged"), rs.getLong("skipped"), rs.getLong("failed"), rs.getLong("merged"));
    }

    // ------------------------------------------------------------------ dead letters

    /**
     * Adds dead letters. A batch redone after a crash fails the same records again: an unresolved letter for the
     * same sync and source key is updated (reason, payload, run) instead of duplicated.
     */
    @Override
    public void addDeadLetters(List<DeadLetter> letters) {
        if (letters.isEmpty()) return;
        List<String> payloads = letters.stream().map(l -> toJson(l.payload())).toList();
        inTransaction("add " + letters.size() + " dead letters", c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE ferry_dead_letters SET run_id = ?, reason = ?, payload_json = ?, "
                    + "category = ?, field_name = ?, rule_name = ? WHERE sync_name = ? AND source_key_hash = ? AND resolved_at IS NULL");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO ferry_dead_letters (run_id, sync_name, source_key, "
                         + "source_key_hash, reason, payload_json, created_at, category, field_name, rule_name) "
                         + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < letters.size(); i++) {
                    DeadLetter l = letters.get(i);
                    String hash = sha256(l.sourceKey());
                    update.setString(1, l.runId());
                    update.setString(2, l.reason());
                    update.setString(3, payloads.get(i));
                    update.setString(4, l.category());
                    update.setString(5, l.field().orElse(null));
                    update.setString(6, l.rule().orElse(null));
                    update.setString(7, l.syncName());
                    update.setString(8, hash);
                    if (update.executeUpdate() > 0) continue;
                    insert.setString(1, l.runId());
                    insert.setString(2, l.syncName());
                    insert.setString(3, l.sourceKey());
                    insert.setString(4, hash);
                    insert.setString(5, l.reason());
                    insert.setString(6, payloads.get(i));
                    dialect.setInstant(insert, 7, l.createdAt());
                    insert.setString(8, l.category());
                    insert.setString(9, l.field().orElse(null));
                    insert.setString(10, l.rule().orElse(null));
                    insert.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public List<DeadLetter> deadLetters(String runId) {
        return inTransaction("read the dead letters of run " + runId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, run_id, sync_name, source_key, reason, payload_json, created_at, "
                    + "resolved_at, category, field_name, rule_name FROM ferry_dead_letters WHERE run_id = ? AND resolved_at IS NULL ORDER BY id")) {
                ps.setString(1, runId);
                List<DeadLetter> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DeadLetter(rs.getLong("id"), rs.getString("run_id"), rs.getString("sync_name"),
                                rs.getString("source_key"), rs.getString("reason"), stringMap(rs.getString("payload_json")),
                                dialect.getInstant(rs, "created_at"), Optional.ofNullable(dialect.getInstant(rs, "resolved_at")),
                                rs.getString("category"), Optional.ofNullable(rs.getString("field_name")),
                                Optional.ofNullable(rs.getString("rule_name"))));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void resolveDeadLetters(List<Long> ids) {
        if (ids.isEmpty()) return;
        inTransaction("resolve " + ids.size() + " dead letters", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE ferry_dead_letters SET resolved_at = " + dialect.now
                    + " WHERE id = ? AND resolved_at IS NULL")) {
                for (Long id : ids) {
                    ps.setLong(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ plumbing

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            closeQuietly(connection);
            connection = null;
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps, boolean insert) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction under the store's lock. A connection that broke (database restarted,
     * H2 server process gone) is reopened and the work tried once more: every operation here is idempotent.
     */
    <T> T inTransaction(String what, SqlWork<T> work) {
        lock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                Connection c = null;
                try {
                    c = connection();
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    if (attempt == 1 && isBroken(c, e)) {
                        log.info("state store {}: connection broke ({}); reconnecting", displayUrl, e.getMessage());
                        closeQuietly(c);
                        connection = null;
                        continue;
                    }
                    throw new SyncException("state store " + displayUrl + ": could not " + what + ": " + firstLine(e.getMessage()), e);
                } catch (RuntimeException | Error e) {
                    rollbackQuietly(c);
                    throw e;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private Connection connection() throws SQLException {
        if (closed) throw new IllegalStateException("state store " + displayUrl + " is closed");
        if (connection == null) {
            Connection c = DriverManager.getConnection(url, user, password);
            try {
                c.setAutoCommit(false);
                // READ COMMITTED everywhere: MariaDB's REPEATABLE READ default would take gap locks on lease lookups
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    private static boolean isBroken(Connection c, SQLException e) {
        if (c == null) return false;
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("57P01"))) return true;
        try {
            return c.isClosed() || !c.isValid(2);
        } catch (SQLException ignored) {
            return true;
        }
    }

    /** UPDATE, else INSERT; an INSERT that loses a race to another process falls back to the UPDATE. */
    private static void upsert(Connection c, String updateSql, String insertSql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(updateSql)) {
            binder.bind(ps, false);
            if (ps.executeUpdate() > 0) return;
        }
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            binder.bind(ps, true);
            ps.executeUpdate();
            return;
        } catch (SQLException e) {
            if (!isDuplicate(e)) throw e;
            c.rollback(sp);
        }
        try (PreparedStatement ps = c.prepareStatement(updateSql)) {
            binder.bind(ps, false);
            ps.executeUpdate();
        }
    }

    private static boolean isDuplicate(SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062 || e.getErrorCode() == 23505
                || ("23000".equals(e.getSQLState()) && e.getErrorCode() == 1062);
    }

    private static void setNullable(PreparedStatement ps, int index, Object value, int sqlType) throws SQLException {
        if (value == null) ps.setNull(index, sqlType); // PostgreSQL rejects a varchar-typed null for a bigint column
        else if (value instanceof Long l) ps.setLong(index, l);
        else ps.setString(index, value.toString());
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private String toJson(Map<String, ?> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (RuntimeException e) {
            throw new SyncException("state store " + displayUrl + ": cannot store " + map.keySet() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** Run options/stats; JSON nulls are dropped because RunInfo's maps cannot hold them. */
    private static Map<String, Object> objectMap(String json) {
        if (json == null || json.isBlank()) return Map.of();
        Map<String, Object> m = JSON.readValue(json, OBJECT_MAP);
        m.values().removeIf(Objects::isNull);
        return m;
    }

    /** Dead-letter payload: column order and null values kept. */
    private static Map<String, String> stringMap(String json) {
        if (json == null || json.isBlank()) return new LinkedHashMap<>();
        return JSON.readValue(json, STRING_MAP);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static void rollbackQuietly(Connection c) {
        if (c == null) return;
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection may be gone; the transaction went with it
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }
}

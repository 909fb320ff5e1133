package dev.ferry.store;

import dev.ferry.core.bidi.BaseRow;
import dev.ferry.core.bidi.BidiStore;
import dev.ferry.core.bidi.Conflict;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link BidiStore} over the state store's database (tables of migration V4), in its transactions. */
final class JdbcBidiStore implements BidiStore {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final int CHUNK = 2_000; // keys per query: fewer round trips, and MariaDB takes 2,000 placeholders easily
    private static final String CONFLICT_COLUMNS = "id, sync_name, run_id, record_key, field, base_value, a_value, b_value, strategy, "
            + "status, resolution, resolved_by, detected_at, resolved_at";

    /** base rows written by this process after which a completed run refreshes the base's planner statistics */
    private static final long ANALYZE_AFTER = 50_000;

    private final JdbcStateStore store;
    private final Dialect dialect;
    private final java.util.concurrent.atomic.AtomicLong upsertedSinceAnalyze = new java.util.concurrent.atomic.AtomicLong();

    JdbcBidiStore(JdbcStateStore store, Dialect dialect) {
        this.store = store;
        this.dialect = dialect;
    }

    @Override
    public Map<String, BaseRow> base(String syncName, Collection<String> keys) {
        if (keys.isEmpty()) return Map.of();
        List<String> all = new ArrayList<>(keys);
        all.sort(null); // in key order, neighbours share the pages of the primary key
        return store.inTransaction("read the base of sync " + syncName, c -> {
            Map<String, BaseRow> out = new HashMap<>(all.size() * 2);
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                // H2 evaluates "IN (…)" and "= ANY(…)" row by row over the sync's whole base; a join from a table of
                // the keys looks each one up in the primary key. PostgreSQL and MariaDB use the key for an IN list.
                String sql = switch (dialect) {
                    case H2 -> "SELECT b.record_key, b.field_values FROM TABLE(k VARCHAR(512) = ?) t JOIN ferry_bidi_base b"
                            + " ON b.sync_name = ? AND b.record_key = t.k";
                    case POSTGRESQL -> "SELECT record_key, field_values FROM ferry_bidi_base WHERE record_key = ANY(?) AND sync_name = ?";
                    case MARIADB -> "SELECT record_key, field_values FROM ferry_bidi_base WHERE sync_name = ? AND record_key IN ("
                            + "?, ".repeat(chunk.size() - 1) + "?)";
                };
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (dialect == Dialect.MARIADB) {
                        ps.setString(1, syncName);
                        for (int i = 0; i < chunk.size(); i++) ps.setString(i + 2, chunk.get(i));
                    } else {
                        ps.setArray(1, c.createArrayOf("VARCHAR", chunk.toArray()));
                        ps.setString(2, syncName);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.put(rs.getString(1), new BaseRow(rs.getString(1), JSON.readValue(rs.getString(2), STRINGS)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<String> baseKeys(String syncName) {
        return store.inTransaction("list the base of sync " + syncName, c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT record_key FROM ferry_bidi_base WHERE sync_name = ?")) {
                ps.setString(1, syncName);
                ps.setFetchSize(10_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public List<String> baseKeys(String syncName, Optional<String> after, int limit) {
        return store.inTransaction("page through the base of sync " + syncName, c -> {
            List<String> out = new ArrayList<>();
            String sql = "SELECT record_key FROM ferry_bidi_base WHERE sync_name = ?" + (after.isPresent() ? " AND record_key > ?" : "")
                    + " ORDER BY sync_name, record_key LIMIT " + Math.max(1, limit); // H2 walks the primary key only when ordered by all of it
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, syncName);
                if (after.isPresent()) ps.setString(2, after.get());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public long baseSize(String syncName) {
        return store.inTransaction("count the base of sync " + syncName, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ferry_bidi_base WHERE sync_name = ?")) {
                ps.setString(1, syncName);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private String upsertBaseSql() {
        return switch (dialect) {
            case H2 -> "MERGE INTO ferry_bidi_base (sync_name, record_key, field_values) KEY (sync_name, record_key) VALUES (?, ?, ?)";
            case POSTGRESQL -> "INSERT INTO ferry_bidi_base (sync_name, record_key, field_values) VALUES (?, ?, ?) "
                    + "ON CONFLICT (sync_name, record_key) DO UPDATE SET field_values = EXCLUDED.field_values";
            case MARIADB -> "INSERT INTO ferry_bidi_base (sync_name, record_key, field_values) VALUES (?, ?, ?) "
                    + "ON DUPLICATE KEY UPDATE field_values = VALUES(field_values)";
        };
    }

    @Override
    public List<Conflict> commit(String syncName, List<BaseRow> upserts, List<String> deletes, List<Conflict> conflicts) {
        if (upserts.isEmpty() && deletes.isEmpty() && conflicts.isEmpty()) return List.of();
        return store.inTransaction("commit the base of sync " + syncName, c -> {
            if (!upserts.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(upsertBaseSql())) {
                    int n = 0;
                    List<BaseRow> sorted = new ArrayList<>(upserts);
                    sorted.sort(java.util.Comparator.comparing(BaseRow::key)); // neighbours share pages of the primary key
                    for (BaseRow r : sorted) {
                        ps.setString(1, syncName);
                        ps.setString(2, r.key());
                        ps.setString(3, JSON.writeValueAsString(r.values()));
                        ps.addBatch();
                        if (++n % 1000 == 0) ps.executeBatch();
                    }
                    if (n % 1000 != 0) ps.executeBatch();
                }
                upsertedSinceAnalyze.addAndGet(upserts.size());
            }
            if (!deletes.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ferry_bidi_base WHERE sync_name = ? AND record_key = ?")) {
                    for (String k : deletes) {
                        ps.setString(1, syncName);
                        ps.setString(2, k);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return saveConflicts(c, syncName, conflicts);
        });
    }

    /**
     * New conflicts are inserted, except that a re-run after a crash finds the same ones again: a PENDING one updates
     * the open record of its key and field, a DECIDED or APPLIED one equal to one on record in its status is that
     * record. Conflicts with an id replace that record. The records on file are looked up for all keys at once and
     * written in batches; the inserted ones get their ids back.
     */
    private List<Conflict> saveConflicts(Connection c, String syncName, List<Conflict> all) throws SQLException {
        if (all.isEmpty()) return List.of();
        List<String> newKeys = all.stream().filter(x -> x.id() == 0).map(Conflict::key).distinct().toList();
        Map<String, Long> onFile = new HashMap<>(); // "p"+key+field of pending ones, or status+signature of the others
        for (Conflict.Status st : List.of(Conflict.Status.PENDING, Conflict.Status.DECIDED, Conflict.Status.APPLIED)) {
            if (newKeys.isEmpty()) break;
            for (Conflict old : onRecord(c, syncName, st, newKeys)) onFile.putIfAbsent(match(old), old.id());
        }
        Conflict[] stored = all.toArray(new Conflict[0]);
        Map<String, List<Integer>> inserts = new LinkedHashMap<>(); // one record per match: positions that share it
        List<Conflict> updates = new ArrayList<>();
        for (int i = 0; i < stored.length; i++) {
            Conflict x = stored[i];
            if (x.id() != 0) {
                updates.add(x);
                continue;
            }
            Long id = onFile.get(match(x));
            if (id != null) {
                stored[i] = x.withId(id);
                if (x.status() == Conflict.Status.PENDING) updates.add(stored[i]);
            } else {
                inserts.computeIfAbsent(match(x), k -> new ArrayList<>()).add(i);
            }
        }
        if (!inserts.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ferry_bidi_conflicts (sync_name, run_id, record_key, field, "
                    + "base_value, a_value, b_value, strategy, status, resolution, resolved_by, detected_at, resolved_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[]{"id"})) {
                for (List<Integer> at : inserts.values()) {
                    Conflict x = stored[at.getFirst()];
                    ps.setString(1, x.syncName());
                    ps.setString(2, x.runId());
                    ps.setString(3, x.key());
                    ps.setString(4, x.field());
                    text(ps, 5, x.base());
                    text(ps, 6, x.aValue());
                    text(ps, 7, x.bValue());
                    ps.setString(8, x.strategy());
                    ps.setString(9, x.status().label());
                    text(ps, 10, x.resolution());
                    text(ps, 11, x.resolvedBy());
                    dialect.setInstant(ps, 12, x.detectedAt());
                    dialect.setInstant(ps, 13, x.resolvedAt().orElse(null));
                    ps.addBatch();
                }
                ps.executeBatch();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    for (List<Integer> at : inserts.values()) {
                        if (!keys.next()) throw new SQLException("the database returned fewer conflict ids than conflicts inserted");
                        long id = keys.getLong(1);
                        for (int i : at) stored[i] = stored[i].withId(id);
                    }
                }
            }
        }
        if (!updates.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE ferry_bidi_conflicts SET a_value = ?, b_value = ?, status = ?, "
                    + "resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?")) {
                for (Conflict x : updates) {
                    text(ps, 1, x.aValue());
                    text(ps, 2, x.bValue());
                    ps.setString(3, x.status().label());
                    text(ps, 4, x.resolution());
                    text(ps, 5, x.resolvedBy());
                    dialect.setInstant(ps, 6, x.resolvedAt().orElse(null));
                    ps.setLong(7, x.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return List.of(stored);
    }

    /** What makes a new conflict the same as one on file: its key and field while pending, else all it saw. */
    private static String match(Conflict x) {
        return x.status() == Conflict.Status.PENDING ? "p\u0000" + x.key() + '\u0000' + x.field()
                : x.status().label() + '\u0000' + signature(x);
    }

    private static String signature(Conflict x) {
        return x.key() + '\u0000' + x.field() + '\u0000' + x.base() + '\u0000' + x.aValue() + '\u0000' + x.bValue();
    }

    /** The conflicts on record in this status for these keys (one status at a time: the index starts with it). */
    private List<Conflict> onRecord(Connection c, String syncName, Conflict.Status status, List<String> keys) throws SQLException {
        List<Conflict> out = new ArrayList<>();
        String cols = "x." + CONFLICT_COLUMNS.replace(", ", ", x.");
        for (int from = 0; from < keys.size(); from += CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
            String sql = switch (dialect) {
                case H2 -> "SELECT " + cols + " FROM TABLE(k VARCHAR(512) = ?) t JOIN ferry_bidi_conflicts x"
                        + " ON x.sync_name = ? AND x.status = ? AND x.record_key = t.k";
                case POSTGRESQL -> "SELECT " + cols + " FROM ferry_bidi_conflicts x WHERE x.record_key = ANY(?) AND x.sync_name = ?"
                        + " AND x.status = ?";
                case MARIADB -> "SELECT " + cols + " FROM ferry_bidi_conflicts x WHERE x.sync_name = ? AND x.status = ?"
                        + " AND x.record_key IN (" + "?, ".repeat(chunk.size() - 1) + "?)";
            };
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (dialect == Dialect.MARIADB) {
                    ps.setString(1, syncName);
                    ps.setString(2, status.label());
                    for (int i = 0; i < chunk.size(); i++) ps.setString(i + 3, chunk.get(i));
                } else {
                    ps.setArray(1, c.createArrayOf("VARCHAR", chunk.toArray()));
                    ps.setString(2, syncName);
                    ps.setString(3, status.label());
                }
                out.addAll(read(ps));
            }
        }
        return out;
    }

    private static void text(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
        if (v.isPresent()) ps.setString(i, v.get());
        else ps.setNull(i, Types.VARCHAR);
    }

    @Override
    public Map<String, String> cursors(String syncName) {
        return store.inTransaction("read the side cursors of sync " + syncName, c -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT side, high_water FROM ferry_bidi_cursors WHERE sync_name = ? ORDER BY side")) {
                ps.setString(1, syncName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    @Override
    public void saveCursors(String syncName, Map<String, String> cursors) {
        store.inTransaction("save the side cursors of sync " + syncName, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM ferry_bidi_cursors WHERE sync_name = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO ferry_bidi_cursors (sync_name, side, high_water) VALUES (?, ?, ?)")) {
                del.setString(1, syncName);
                del.executeUpdate();
                for (var e : cursors.entrySet()) {
                    ins.setString(1, syncName);
                    ins.setString(2, e.getKey());
                    ins.setString(3, e.getValue());
                    ins.executeUpdate();
                }
            }
            return null;
        });
        analyzeIfGrown(); // a run saves its cursors once, when it completes
    }

    /**
     * After a run that wrote many base rows (a first run), the base's statistics are refreshed: without them (autovacuum
     * off, or not yet come round) PostgreSQL plans the next run's key lookups as scans of the whole base.
     */
    private void analyzeIfGrown() {
        if (dialect == Dialect.H2 || upsertedSinceAnalyze.get() < ANALYZE_AFTER) return;
        store.inTransaction("refresh the statistics of the base", c -> {
            try (var st = c.createStatement()) {
                st.execute(dialect == Dialect.MARIADB ? "ANALYZE TABLE ferry_bidi_base" : "ANALYZE ferry_bidi_base");
            }
            return null;
        });
        upsertedSinceAnalyze.set(0);
    }

    @Override
    public void resetCursors(String syncName) {
        saveCursors(syncName, Map.of());
    }

    @Override
    public List<Conflict> conflicts(Optional<String> syncName, Optional<Conflict.Status> status, int limit) {
        return store.inTransaction("list conflicts", c -> {
            StringBuilder sql = new StringBuilder("SELECT " + CONFLICT_COLUMNS + " FROM ferry_bidi_conflicts WHERE 1 = 1");
            if (syncName.isPresent()) sql.append(" AND sync_name = ?");
            if (status.isPresent()) sql.append(" AND status = ?");
            sql.append(" ORDER BY id DESC");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (syncName.isPresent()) ps.setString(i++, syncName.get());
                if (status.isPresent()) ps.setString(i, status.get().label());
                ps.setMaxRows(Math.max(0, limit == Integer.MAX_VALUE ? 0 : limit));
                return read(ps);
            }
        });
    }

    @Override
    public Optional<Conflict> conflict(long id) {
        return store.inTransaction("find conflict " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + CONFLICT_COLUMNS + " FROM ferry_bidi_conflicts WHERE id = ?")) {
                ps.setLong(1, id);
                return read(ps).stream().findFirst();
            }
        });
    }

    private List<Conflict> read(PreparedStatement ps) throws SQLException {
        List<Conflict> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Conflict(rs.getLong("id"), rs.getString("sync_name"), rs.getString("run_id"), rs.getString("record_key"),
                        rs.getString("field"), Optional.ofNullable(rs.getString("base_value")), Optional.ofNullable(rs.getString("a_value")),
                        Optional.ofNullable(rs.getString("b_value")), rs.getString("strategy"),
                        Conflict.Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
                        Optional.ofNullable(rs.getString("resolution")), Optional.ofNullable(rs.getString("resolved_by")),
                        dialect.getInstant(rs, "detected_at"), Optional.ofNullable(dialect.getInstant(rs, "resolved_at"))));
            }
        }
        return out;
    }

    @Override
    public void resolve(long id, Optional<String> value, String resolvedBy, Instant at) {
        int n = store.inTransaction("resolve conflict " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE ferry_bidi_conflicts SET status = 'resolved', resolution = ?, "
                    + "resolved_by = ?, resolved_at = ? WHERE id = ? AND status = 'pending'")) {
                text(ps, 1, value);
                ps.setString(2, resolvedBy);
                dialect.setInstant(ps, 3, at);
                ps.setLong(4, id);
                return ps.executeUpdate();
            }
        });
        if (n == 0) throw new dev.ferry.spi.SyncException("conflict " + id + " is not waiting for a decision; list them with: ferry conflicts list");
    }

    @Override
    public void dropSync(String syncName) {
        store.inTransaction("drop the bidirectional state of sync " + syncName, c -> {
            for (String t : List.of("ferry_bidi_base", "ferry_bidi_cursors", "ferry_bidi_conflicts")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE sync_name = ?")) {
                    ps.setString(1, syncName);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }
}

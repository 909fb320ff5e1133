package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;
import dev.ferry.spi.RowChange;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WritePreview;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL: each batch is COPYed (text format) into a temporary stage and merged with
 * {@code INSERT … ON CONFLICT DO UPDATE … WHERE (…) IS DISTINCT FROM (…)}, so unchanged rows are not rewritten
 * and inserted/updated are counted by {@code RETURNING (xmax = 0)}. Rows that cannot conflict are COPYed straight
 * into the table: when the table was empty as a fresh pass opened it and the source delivers ascending unique keys
 * (every batch), or, without that promise, for a single integer key when the batch's keys are above every key
 * written. After any failed write the rest of the run merges. Batches read by {@link PgCopyReader} arrive as
 * {@link CopyTextRows} and their COPY text is sent as it is, without decoding.
 */
final class PostgresWriter extends JdbcWriter {
    private static final AtomicLong STAGE_IDS = new AtomicLong();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int FLUSH_CHARS = 1 << 20;

    private final String stage = "ferry_stage_" + STAGE_IDS.incrementAndGet();
    private final String copyTargetSql;
    private final String copyStageSql;
    private final String mergeSql;
    private final StringBuilder text = new StringBuilder(FLUSH_CHARS + 4096);
    private final boolean integralKey;
    private final boolean ascendingUnique;
    /** direct COPY is allowed: the table was empty at open and no write has failed since */
    private boolean direct;
    private long maxKeyWritten = Long.MIN_VALUE;
    private long pendingMax = Long.MIN_VALUE;
    /** counts of how batches went, for tests and stats */
    long directBatches, mergedBatches, passThroughBatches;

    PostgresWriter(Jdbc.Settings settings, JdbcDestination.Names names, Schema schema, List<String> key, WriteSpec spec) {
        super(settings, names, schema, key, spec.mode());
        String cols = String.join(", ", columnsSql);
        this.copyTargetSql = "COPY " + names.target() + " (" + cols + ") FROM STDIN";
        this.copyStageSql = "COPY " + stage + " (" + cols + ") FROM STDIN";
        this.mergeSql = mergeSql(cols);
        this.integralKey = keyIndexes.length == 1 && switch (schema.column(keyIndexes[0]).type()) {
            case SMALLINT, INTEGER, BIGINT -> true;
            default -> false;
        };
        this.ascendingUnique = spec.fresh() && spec.ascendingUniqueKeys() && keyIndexes.length > 0;
        if (mode == WriteMode.UPSERT || mode == WriteMode.REPLACE) {
            try {
                ensureConnection();
                try (Statement st = connection.createStatement();
                     ResultSet rs = st.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + names.target() + ")")) {
                    rs.next();
                    direct = (integralKey || ascendingUnique) && rs.getBoolean(1);
                }
                connection.commit();
            } catch (SQLException e) {
                close();
                throw new dev.ferry.spi.SyncException("cannot read table " + names.display() + " in " + settings.safeUrl()
                        + ": " + Jdbc.firstLine(e.getMessage()), e);
            }
        }
    }

    private String mergeSql(String cols) {
        List<String> sets = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        for (String c : columnsSql) {
            if (keySql.contains(c)) continue;
            sets.add(c + " = EXCLUDED." + c);
            mine.add("t." + c);
            theirs.add("EXCLUDED." + c);
        }
        String onConflict = sets.isEmpty() ? "DO NOTHING"
                : "DO UPDATE SET " + String.join(", ", sets) + " WHERE (" + String.join(", ", mine)
                + ") IS DISTINCT FROM (" + String.join(", ", theirs) + ")";
        return "WITH m AS (INSERT INTO " + names.target() + " AS t (" + cols + ") SELECT " + cols + " FROM " + stage
                + " ON CONFLICT (" + String.join(", ", keySql) + ") " + onConflict + " RETURNING (xmax = 0) AS ins)"
                + " SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM m";
    }

    @Override
    protected void onConnect() throws SQLException {
        try (Statement st = connection.createStatement()) {
            // only the columns this writer sends, without the table's constraints: a table may have more columns
            // (a bidirectional side's own modification time) that the merge leaves alone
            st.execute("CREATE TEMP TABLE IF NOT EXISTS " + stage + " ON COMMIT DELETE ROWS AS SELECT "
                    + String.join(", ", columnsSql) + " FROM " + names.target() + " WITH NO DATA");
        }
        connection.commit();
    }

    /** The batch's COPY text when it can be sent as it is: same columns, same types, same order as this writer. */
    private CopyTextRows passThrough(List<Object[]> rows) {
        if (Boolean.getBoolean("ferry.pg.noPassThrough")) return null;
        return rows instanceof CopyTextRows ct && ct.schema().equals(schema) ? ct : null;
    }

    /** The destination columns a source decimal could be rounded into, read once from the table. */
    private DecimalFit decimalFit;

    /** True when some column can round a value, so every batch's values in it are checked (tests). */
    boolean checksDecimals() throws SQLException {
        ensureConnection();
        if (decimalFit == null) decimalFit = DecimalFit.read(connection, dialect, names.target(), names.display(), columnsSql, schema);
        return decimalFit.needed();
    }

    @Override
    protected WriteResult writeBatch(Batch batch) throws SQLException {
        // an existing numeric(p,s) rounds a value with more places, in COPY and in the merge alike: refuse it first
        if (checksDecimals()) decimalFit.check(batch.rows());
        CopyTextRows raw = passThrough(batch.rows());
        if (mode == WriteMode.APPEND) {
            if (raw != null) copyRaw(copyTargetSql, raw);
            else copy(copyTargetSql, batch.rows());
            return new WriteResult(batch.size(), 0, 0);
        }
        pendingMax = Long.MIN_VALUE;
        if (direct && ascendingUnique) {
            // keys ascend across batches and the table was empty: nothing in it can conflict with this batch
            List<Object[]> rows = sendable(batch, raw);
            try {
                if (rows == null) copyRaw(copyTargetSql, raw);
                else copy(copyTargetSql, rows);
                directBatches++;
                int written = rows == null ? batch.size() : rows.size();
                return new WriteResult(written, 0, batch.size() - written);
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) throw e;
                // a key is there after all (not as promised, or another writer): merge from here on
                connection.rollback();
                direct = false;
            }
        }
        List<Object[]> rows = sendable(batch, raw);
        if (direct && integralKey && minKey(rows == null ? batch.rows() : rows) > maxKeyWritten) {
            if (rows == null) copyRaw(copyTargetSql, raw);
            else copy(copyTargetSql, rows);
            directBatches++;
            int written = rows == null ? batch.size() : rows.size();
            return new WriteResult(written, 0, batch.size() - written);
        }
        if (rows == null) copyRaw(copyStageSql, raw);
        else copy(copyStageSql, rows);
        mergedBatches++;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(mergeSql)) {
            rs.next();
            long inserted = rs.getLong(1);
            long updated = rs.getLong(2);
            return new WriteResult(inserted, updated, batch.size() - inserted - updated);
        } finally {
            if (direct && integralKey) pendingMax = maxKey(rows == null ? batch.rows() : rows);
        }
    }

    /**
     * COPY into the stage (as a write does), then one join that returns only the rows that would be inserted or
     * updated, with the table's current values. Only the session's temporary stage is written, and emptied.
     */
    @Override
    protected WritePreview previewBatch(Batch batch) throws SQLException {
        CopyTextRows raw = passThrough(batch.rows());
        List<Object[]> rows = sendable(batch, raw);
        if (rows == null) copyRaw(copyStageSql, raw);
        else copy(copyStageSql, rows);
        if (previewSql == null) previewSql = previewSql();
        Values.Reader[] readers = Values.readers(schema.columns(), dialect);
        int n = readers.length;
        List<RowChange> changes = new ArrayList<>();
        long inserted = 0, updated = 0;
        try (Statement st = connection.createStatement()) {
            // the stage has no statistics: left alone the planner may hash the whole table for every batch; look each
            // staged key up in the primary key instead, as the merge does (transaction-local, rolled back after)
            st.execute("SET LOCAL enable_hashjoin = off");
            st.execute("SET LOCAL enable_mergejoin = off");
        }
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(previewSql)) {
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) row[i] = readers[i].read(rs, i + 1);
                boolean insert = rs.getBoolean(2 * n + 1);
                Object[] before = null;
                if (!insert) {
                    before = new Object[n];
                    for (int i = 0; i < n; i++) before[i] = readers[i].read(rs, n + i + 1);
                    updated++;
                } else {
                    inserted++;
                }
                changes.add(new RowChange(row, java.util.Optional.ofNullable(before)));
            }
        }
        // commit, not roll back: the transaction touched only the temporary stage, and ON COMMIT DELETE ROWS truncates
        // it; a rollback would leave the batch's rows behind as dead tuples that every later join scans again
        connection.commit();
        return new WritePreview(new WriteResult(inserted, updated, batch.size() - inserted - updated), changes);
    }

    private String previewSql;

    private String previewSql() {
        List<String> cols = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        List<String> on = new ArrayList<>();
        for (String c : columnsSql) {
            cols.add("s." + c);
            if (keySql.contains(c)) {
                on.add("s." + c + " = t." + c);
                continue;
            }
            mine.add("t." + c);
            theirs.add("s." + c);
        }
        for (String c : columnsSql) cols.add("t." + c);
        String missing = "t." + keySql.get(0) + " IS NULL";
        return "SELECT " + String.join(", ", cols) + ", " + missing + " FROM " + stage + " s LEFT JOIN " + names.target()
                + " t ON " + String.join(" AND ", on) + " WHERE " + missing
                + (mine.isEmpty() ? "" : " OR (" + String.join(", ", mine) + ") IS DISTINCT FROM (" + String.join(", ", theirs) + ")");
    }

    /** null when the batch's COPY text can be sent as it is (each key once); else its rows, each key once. */
    private List<Object[]> sendable(Batch batch, CopyTextRows raw) {
        if (raw != null && raw.uniqueKeys()) return null;
        return lastPerKey(batch.rows());
    }

    @Override
    protected void afterCommit() {
        if (integralKey) maxKeyWritten = Math.max(maxKeyWritten, pendingMax);
    }

    @Override
    protected void onFailure() {
        // the commit's outcome may be unknown: the batch may already be in; only the merge is safe to redo
        direct = false;
    }

    /** True when the direct COPY path is still open (tests). */
    boolean direct() {
        return direct;
    }

    private long minKey(List<Object[]> rows) {
        long min = Long.MAX_VALUE;
        pendingMax = Long.MIN_VALUE;
        for (Object[] r : rows) {
            Object v = r[keyIndexes[0]];
            if (v == null) return Long.MIN_VALUE; // let the database refuse it
            long k = ((Number) v).longValue();
            min = Math.min(min, k);
            pendingMax = Math.max(pendingMax, k);
        }
        return min;
    }

    private long maxKey(List<Object[]> rows) {
        long max = Long.MIN_VALUE;
        for (Object[] r : rows) if (r[keyIndexes[0]] instanceof Number n) max = Math.max(max, n.longValue());
        return max;
    }

    /** COPY text as read from a PostgreSQL source, unchanged. */
    private void copyRaw(String sql, CopyTextRows rows) throws SQLException {
        passThroughBatches++;
        CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            byte[] buf = rows.buffer();
            int off = rows.offset(), end = off + rows.length();
            for (int p = off; p < end; p += FLUSH_CHARS) in.writeToCopy(buf, p, Math.min(FLUSH_CHARS, end - p));
            in.endCopy();
        } finally {
            if (in.isActive()) in.cancelCopy();
        }
    }

    /** COPY rows in text format, built in one reused buffer and flushed every ~1M chars. */
    private void copy(String sql, List<Object[]> rows) throws SQLException {
        copyLines(connection, sql, rows, text, (sb, row) -> {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) sb.append('\t');
                appendValue(sb, row[i]);
            }
        });
    }

    /** PostgreSQL COPY in text format: one line per item, written by {@code line} into {@code sb}, flushed every ~1M chars. */
    static <T> void copyLines(java.sql.Connection connection, String sql, List<T> items, StringBuilder sb,
                              java.util.function.BiConsumer<StringBuilder, T> line) throws SQLException {
        CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            sb.setLength(0);
            for (T item : items) {
                line.accept(sb, item);
                sb.append('\n');
                if (sb.length() >= FLUSH_CHARS) flush(in, sb);
            }
            flush(in, sb);
            in.endCopy();
        } finally {
            if (in.isActive()) in.cancelCopy();
        }
    }

    private static void flush(CopyIn in, StringBuilder sb) throws SQLException {
        if (sb.isEmpty()) return;
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        sb.setLength(0);
    }

    static void appendValue(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("\\N");
            case String s -> appendEscaped(sb, s);
            case Long l -> sb.append(l.longValue());
            case Integer n -> sb.append(n.intValue());
            case Boolean b -> sb.append(b ? 't' : 'f');
            case BigDecimal d -> sb.append(d.toPlainString());
            case OffsetDateTime t -> sb.append(t.withOffsetSameInstant(ZoneOffset.UTC));
            case byte[] b -> {
                sb.append("\\\\x"); // bytea hex format; the backslash itself is escaped for COPY
                for (byte x : b) sb.append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
            }
            default -> sb.append(v); // numbers, dates, times, UUID: their toString is what PostgreSQL reads
        }
    }

    private static void appendEscaped(StringBuilder sb, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
    }

    @Override
    protected void swap(Statement st) throws SQLException {
        String finalTable = names.qualified(names.table());
        st.execute("DROP TABLE IF EXISTS " + finalTable);
        st.execute("ALTER TABLE " + names.target() + " RENAME TO " + dialect.quoteFolded(names.table()));
        if (keyIndexes.length > 0) {
            st.execute("ALTER TABLE " + finalTable + " RENAME CONSTRAINT " + dialect.quoteFolded(names.writeTable() + "_pkey")
                    + " TO " + dialect.quoteFolded(names.table() + "_pkey"));
        }
    }
}

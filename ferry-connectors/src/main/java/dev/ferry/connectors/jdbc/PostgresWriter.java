package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
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
 * and inserted/updated are counted by {@code RETURNING (xmax = 0)}. Rows that cannot conflict (the table was
 * empty at open and the batch's keys are above every key written) are COPYed straight into the table.
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
    /** direct COPY is allowed: the table was empty at open and no write has failed since */
    private boolean direct;
    private long maxKeyWritten = Long.MIN_VALUE;

    PostgresWriter(Jdbc.Settings settings, JdbcDestination.Names names, Schema schema, List<String> key, WriteMode mode) {
        super(settings, names, schema, key, mode);
        String cols = String.join(", ", columnsSql);
        this.copyTargetSql = "COPY " + names.target() + " (" + cols + ") FROM STDIN";
        this.copyStageSql = "COPY " + stage + " (" + cols + ") FROM STDIN";
        this.mergeSql = mergeSql(cols);
        this.integralKey = keyIndexes.length == 1 && switch (schema.column(keyIndexes[0]).type()) {
            case SMALLINT, INTEGER, BIGINT -> true;
            default -> false;
        };
        if (mode == WriteMode.UPSERT || mode == WriteMode.REPLACE) {
            try {
                ensureConnection();
                try (Statement st = connection.createStatement();
                     ResultSet rs = st.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + names.target() + ")")) {
                    rs.next();
                    direct = integralKey && rs.getBoolean(1);
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
            st.execute("CREATE TEMP TABLE IF NOT EXISTS " + stage + " (LIKE " + names.target()
                    + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
        }
        connection.commit();
    }

    @Override
    protected WriteResult writeBatch(Batch batch) throws SQLException {
        if (mode == WriteMode.APPEND) {
            copy(copyTargetSql, batch.rows());
            return new WriteResult(batch.size(), 0, 0);
        }
        List<Object[]> rows = lastPerKey(batch.rows());
        if (direct && minKey(rows) > maxKeyWritten) {
            copy(copyTargetSql, rows);
            return new WriteResult(rows.size(), 0, batch.size() - rows.size());
        }
        copy(copyStageSql, rows);
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(mergeSql)) {
            rs.next();
            long inserted = rs.getLong(1);
            long updated = rs.getLong(2);
            return new WriteResult(inserted, updated, batch.size() - inserted - updated);
        } finally {
            pendingMax = maxKey(rows);
        }
    }

    private long pendingMax = Long.MIN_VALUE;

    @Override
    protected void afterCommit() {
        if (integralKey) maxKeyWritten = Math.max(maxKeyWritten, pendingMax);
    }

    @Override
    protected void onFailure() {
        // the commit's outcome may be unknown: the batch may already be in; only the merge is safe to redo
        direct = false;
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
        if (!integralKey) return Long.MIN_VALUE;
        long max = Long.MIN_VALUE;
        for (Object[] r : rows) if (r[keyIndexes[0]] instanceof Number n) max = Math.max(max, n.longValue());
        return max;
    }

    /** COPY rows in text format, built in one reused buffer and flushed every ~1M chars. */
    private void copy(String sql, List<Object[]> rows) throws SQLException {
        CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            ColumnType[] types = new ColumnType[schema.size()];
            for (int i = 0; i < types.length; i++) types[i] = schema.column(i).type();
            StringBuilder sb = text;
            sb.setLength(0);
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) sb.append('\t');
                    appendValue(sb, row[i]);
                }
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

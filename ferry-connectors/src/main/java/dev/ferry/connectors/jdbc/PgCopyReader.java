package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.KeyRange;
import dev.ferry.spi.RangeDigest;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL keyset reading as ONE stream per reader:
 * {@code COPY (SELECT cols FROM t WHERE <cursor filter> AND (key) > (resume key) ORDER BY key) TO STDOUT},
 * cut into batches of {@code batchSize} rows held as {@link CopyTextRows} (COPY text, decoded lazily).
 * Parameters never enter the SQL text: they are bound with {@code set_config('ferry.pN', ?, false)} and read back
 * as {@code current_setting('ferry.pN')::type}. After a failure the next call reconnects and restarts the COPY
 * after the last key it delivered.
 */
final class PgCopyReader implements SourceReader {
    /** session settings that make the COPY text what {@link CopyTextRows} decodes */
    static final String[] SESSION = {
            "SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, MDY'", "SET IntervalStyle = 'postgres'",
            "SET extra_float_digits = 3", "SET bytea_output = 'hex'"};

    private final JdbcSource source;
    private final ReadSpec spec;
    private final Schema schema;
    private final int[] keyIndexes;
    private final List<String> keyNames;
    private final List<ColumnType> keyTypes = new ArrayList<>();
    private final boolean keyTextCanonical;
    private final int batchSize;
    private Connection connection;
    private CopyOut copy;
    private Object[] lastKey;
    /** The previous COPY line and its key spans, across batches: a key repeated over a batch boundary is caught too. */
    private byte[] prev;
    private int[] prevSpans;
    private long seq;
    private boolean done;
    private int estimate = 1 << 16;
    // range digests: each batch carries the XOR of its rows' hashtextextended(row::text, 0), and reads of
    // several key ranges (only the changed ones) never let a batch span two of them
    private final PgRowDigest digester = new PgRowDigest();
    private final boolean digesting;
    /** digests hash key and row version: each COPY line ends with an extra xmin field, cut off before it is kept */
    private final boolean versioned;
    private final List<KeyRange> ranges;
    private int rangeIndex;
    private boolean rangeStarted;

    PgCopyReader(JdbcSource source, ReadSpec spec, Optional<String> resumeAfter) {
        this.source = source;
        this.spec = spec;
        this.schema = source.schema();
        this.batchSize = spec.batchSize();
        this.keyIndexes = new int[spec.key().size()];
        this.keyNames = List.copyOf(spec.key());
        boolean canonical = true;
        for (int i = 0; i < keyIndexes.length; i++) {
            Column c = source.column(spec.key().get(i), "key");
            keyIndexes[i] = schema.indexOf(c.name());
            keyTypes.add(c.type());
            // equal values with different text (1.0 / 1.00, 0 / -0) would escape the byte comparison
            if (c.type() == ColumnType.DECIMAL || c.type() == ColumnType.REAL || c.type() == ColumnType.DOUBLE) canonical = false;
        }
        this.keyTextCanonical = canonical;
        this.lastKey = resumeAfter.map(p -> Values.decodeKey(p, keyTypes)).orElse(null);
        this.digesting = keyIndexes.length == 1 && PgRangeDigests.keyType(keyTypes.get(0)).isPresent();
        this.versioned = digesting && source.rowVersioned();
        this.prevSpans = new int[keyIndexes.length * 2];
        this.ranges = spec.ranges().isEmpty() ? List.of(new KeyRange(Optional.empty(), Optional.empty())) : spec.ranges();
        this.rangeStarted = lastKey != null; // a resumed read starts inside a range, not at its start
    }

    /** The COPY statement and the parameter values it reads through current_setting, in order. */
    record Query(String sql, List<String> params) {
    }

    Query query() {
        Dialect d = Dialect.POSTGRES;
        List<String> params = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (spec.cursor().isPresent()) {
            Column c = source.column(spec.cursor().get(), "cursor");
            String q = d.quoteExact(c.name());
            String cast = source.castType(schema.indexOf(c.name()));
            spec.cursorFrom().ifPresent(v -> where.add(q + " > " + param(params, Values.parse(v, c.type()), cast)));
            spec.cursorTo().ifPresent(v -> where.add(q + " <= " + param(params, Values.parse(v, c.type()), cast)));
        }
        List<String> keyCols = new ArrayList<>();
        for (int k : keyIndexes) keyCols.add(d.quoteExact(schema.column(k).name()));
        KeyRange range = ranges.get(rangeIndex);
        if (keyIndexes.length == 1) {
            String k = keyCols.get(0);
            String cast = source.castType(keyIndexes[0]);
            range.from().ifPresent(f -> where.add(k + " >= " + param(params, Values.decodeKey(f, keyTypes)[0], cast)));
            range.to().ifPresent(t -> where.add(k + " < " + param(params, Values.decodeKey(t, keyTypes)[0], cast)));
        }
        if (lastKey != null) {
            List<String> vals = new ArrayList<>();
            for (int i = 0; i < keyIndexes.length; i++) vals.add(param(params, lastKey[i], source.castType(keyIndexes[i])));
            where.add(keyCols.size() == 1 ? keyCols.get(0) + " > " + vals.get(0)
                    : "(" + String.join(", ", keyCols) + ") > (" + String.join(", ", vals) + ")");
        }
        List<String> cols = new ArrayList<>();
        for (Column c : schema.columns()) cols.add(d.quoteExact(c.name()));
        if (versioned) cols.add("xmin");
        String sql = "COPY (SELECT " + String.join(", ", cols) + " FROM " + source.from()
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY " + String.join(", ", keyCols) + ") TO STDOUT";
        return new Query(sql, params);
    }

    private static String param(List<String> params, Object value, String cast) {
        if (value == null) return "NULL::" + cast;
        params.add(Values.pgText(value));
        // a sub-select is evaluated once per query (an InitPlan); a bare current_setting() once per row scanned
        return "(SELECT current_setting('ferry.p" + params.size() + "')::" + cast + ")";
    }

    private void start() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = Jdbc.connect(source.settings());
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                for (String s : SESSION) st.execute(s);
            }
        }
        Query q = query();
        if (!q.params().isEmpty()) {
            StringBuilder sb = new StringBuilder("SELECT ");
            for (int i = 1; i <= q.params().size(); i++) sb.append(i > 1 ? ", " : "").append("set_config('ferry.p").append(i).append("', ?, false)");
            try (PreparedStatement ps = connection.prepareStatement(sb.toString())) {
                for (int i = 0; i < q.params().size(); i++) ps.setString(i + 1, q.params().get(i));
                ps.executeQuery().close();
            }
        }
        copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(q.sql());
    }

    @Override
    public Optional<Batch> next() {
        try {
            while (!done) {
                if (copy == null) start();
                int batchRange = rangeIndex;
                boolean rangeEnded = false;
                byte[] buf = new byte[estimate];
                int len = 0;
                int[] starts = new int[batchSize + 1];
                int n = 0;
                long hash = 0;
                boolean unique = keyTextCanonical;
                int[] spans = new int[keyIndexes.length * 2];
                while (n < batchSize) {
                    byte[] row = copy.readFromCopy();
                    if (row == null) {
                        copy = null;
                        rangeEnded = true;
                        if (rangeIndex + 1 < ranges.size()) rangeIndex++;
                        else done = true;
                        break;
                    }
                    int rowLen = row.length;
                    int textEnd = rowLen - (row[rowLen - 1] == '\n' ? 1 : 0);
                    if (versioned) {
                        // "…\t<xmin>\n": hash key and version, keep the line without the version
                        int tab = textEnd - 1;
                        while (row[tab] != '\t') tab--;
                        keyRanges(row, spans);
                        hash ^= digester.versionHash(row, spans[0], spans[1], tab + 1, textEnd);
                        row[tab] = '\n';
                        rowLen = tab + 1;
                    } else if (digesting) {
                        hash ^= digester.rowHash(row, 0, textEnd);
                    }
                    if (len + rowLen > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + rowLen));
                    System.arraycopy(row, 0, buf, len, rowLen);
                    starts[n++] = len;
                    len += rowLen;
                    // the same key text twice in a row is the same key: source.key does not identify a row
                    if (!versioned) keyRanges(row, spans);
                    if (prev != null && keyIndexes.length > 0 && sameKey(prev, prevSpans, row, spans)) {
                        throw JdbcSourceReader.notUnique(source, keyNames, keyText(row, spans));
                    }
                    prev = row;
                    int[] t = prevSpans;
                    prevSpans = spans;
                    spans = t;
                }
                starts[n] = len;
                if (n == 0) {
                    rangeStarted = false;
                    continue;
                }
                estimate = Math.max(estimate, len + len / 8);
                CopyTextRows rows = new CopyTextRows(schema, fitted(buf, len), starts, n, unique);
                lastKey = rows.fields(n - 1, keyIndexes);
                Optional<RangeDigest> digest = Optional.empty();
                if (digesting) {
                    // the first batch of a range starts where the range does, so no key in between goes unvouched
                    Optional<String> firstKey = rangeStarted ? Optional.of(Values.encodeKey(rows.fields(0, keyIndexes)))
                            : ranges.get(batchRange).from();
                    digest = Optional.of(new RangeDigest(firstKey, n, hash));
                }
                rangeStarted = !rangeEnded;
                return Optional.of(new Batch(seq++, schema, rows, Values.encodeKey(lastKey), len, digest));
            }
            return Optional.empty();
        } catch (SQLException e) {
            dropConnection();
            throw new SyncException("cannot read " + source.what() + " from " + source.settings().safeUrl() + ": "
                    + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    /**
     * The batch's text in an array of its own length when the one it was read into is more than a quarter empty:
     * a reader's first batch doubles its array from 64 KB (10,000 rows of 260 bytes end in a 4 MB array) and a
     * range's last batch may fill little of it, and a batch holds its array while it waits in the read-ahead queue.
     * Later batches start at the largest size seen plus an eighth, so the copy happens about once per reader.
     */
    static byte[] fitted(byte[] buf, int len) {
        return buf.length - len > len / 4 ? Arrays.copyOf(buf, len) : buf;
    }

    /** A line's key fields as COPY text, for a message. */
    private String keyText(byte[] row, int[] spans) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < keyIndexes.length; k++) {
            if (k > 0) sb.append('|');
            sb.append(new String(row, spans[2 * k], spans[2 * k + 1] - spans[2 * k], java.nio.charset.StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Start and end offsets of each key field in one COPY line. */
    private void keyRanges(byte[] row, int[] out) {
        for (int k = 0; k < keyIndexes.length; k++) {
            int field = keyIndexes[k];
            int p = 0;
            for (int f = 0; f < field && p < row.length; p++) if (row[p] == '\t') f++;
            int q = p;
            while (q < row.length && row[q] != '\t' && row[q] != '\n') q++;
            out[2 * k] = p;
            out[2 * k + 1] = q;
        }
    }

    private boolean sameKey(byte[] a, int[] ar, byte[] b, int[] br) {
        for (int k = 0; k < keyIndexes.length; k++) {
            if (!Arrays.equals(a, ar[2 * k], ar[2 * k + 1], b, br[2 * k], br[2 * k + 1])) return false;
        }
        return true;
    }

    private void dropConnection() {
        if (copy != null && copy.isActive()) {
            try {
                copy.cancelCopy();
            } catch (SQLException ignored) {
                // the connection is going away anyway
            }
        }
        copy = null;
        Jdbc.closeQuietly(connection);
        connection = null;
    }

    @Override
    public void close() {
        dropConnection();
    }
}

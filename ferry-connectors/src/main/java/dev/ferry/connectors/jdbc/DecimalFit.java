package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.RecordException;
import dev.ferry.spi.Schema;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decimals the destination would round without a word: MariaDB and H2 round a value with more places than its
 * DECIMAL(p,s) (or integer) column holds, and PostgreSQL rounds one into an existing numeric(p,s). Such a value is a record error,
 * so its row becomes a dead letter instead of landing changed (and being called unchanged on the next run).
 * The table's scales are read once per writer; only columns that can round are checked, so a writer whose
 * destination is unconstrained or at least as wide as the source's declared scale checks nothing per row.
 */
final class DecimalFit {
    /** the batch columns that can round, and the places their destination columns hold */
    private final int[] columns;
    private final int[] places;
    private final String[] names;
    private final String table;

    private DecimalFit(int[] columns, int[] places, String[] names, String table) {
        this.columns = columns;
        this.places = places;
        this.names = names;
        this.table = table;
    }

    /** Reads the destination table's declared scales (in the writer's open transaction). */
    static DecimalFit read(Connection connection, Dialect dialect, String target, String display, List<String> columnsSql,
                           Schema schema) throws SQLException {
        List<Integer> cols = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + String.join(", ", columnsSql) + " FROM " + target + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 0; i < schema.size(); i++) {
                int scale = destinationScale(md, i + 1, dialect);
                if (scale >= 0 && canExceed(schema.column(i), scale)) {
                    cols.add(i);
                    held.add(scale);
                }
            }
        }
        int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
        String[] n = new String[c.length];
        for (int i = 0; i < c.length; i++) n[i] = schema.column(c[i]).name();
        return new DecimalFit(c, held.stream().mapToInt(Integer::intValue).toArray(), n, display);
    }

    /**
     * The places a fixed-scale decimal or integer column holds; -1 when it keeps any (PostgreSQL's plain numeric) or is
     * no number column.
     */
    private static int destinationScale(ResultSetMetaData md, int i, Dialect dialect) throws SQLException {
        switch (md.getColumnType(i)) {
            // MariaDB rounds 2.5 into an INT without a warning; PostgreSQL refuses '2.5' for an integer itself (22P02,
            // a record error), so its pass-through need not decode anything for it
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> {
                return dialect == Dialect.POSTGRES ? -1 : 0;
            }
            default -> {
            }
        }
        String type = md.getColumnTypeName(i) == null ? "" : md.getColumnTypeName(i).toUpperCase(Locale.ROOT);
        if (!type.startsWith("DECIMAL") && !type.startsWith("NUMERIC")) return -1;
        // pgjdbc reports an unconstrained numeric as precision 0
        if (dialect == Dialect.POSTGRES && md.getPrecision(i) == 0) return -1;
        return Math.max(0, md.getScale(i));
    }

    /** A source decimal without a declared scale, or declaring more places than the destination holds. */
    private static boolean canExceed(Column source, int destinationScale) {
        if (source.type() != ColumnType.DECIMAL) return false;
        return source.precision() == 0 || source.scale() > destinationScale;
    }

    /** True when some column can round, so {@link #check} has work to do. */
    boolean needed() {
        return columns.length > 0;
    }

    /** Throws a {@link RecordException} naming the first value with more places than its column holds. */
    void check(List<Object[]> rows) {
        if (columns.length == 0) return;
        if (rows instanceof CopyTextRows text) {
            // COPY text: decode only the columns that can round
            for (int r = 0; r < text.size(); r++) {
                for (int c = 0; c < columns.length; c++) check(c, text.field(r, columns[c]));
            }
            return;
        }
        for (Object[] row : rows) {
            for (int c = 0; c < columns.length; c++) check(c, row[columns[c]]);
        }
    }

    private void check(int c, Object value) {
        if (!(value instanceof BigDecimal d) || d.scale() <= places[c]) return;
        int needs = d.stripTrailingZeros().scale();
        if (needs <= places[c]) return;
        throw new RecordException("column " + names[c] + " = " + d.toPlainString() + " has " + needs + " decimal places but "
                + table + " holds " + places[c] + " (the database would round it); widen the column, or round it in the source", null);
    }
}

package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.RangeDigest;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SyncException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Digests of key ranges computed inside PostgreSQL in one scan: rows are bucketed by {@code width_bucket} over the
 * range thresholds and each bucket is summarised as count and XOR of {@code hashtextextended(row::text, 0)}, the
 * same per-row hash {@link PgRowDigest} computes from the COPY lines the reader ships.
 */
final class PgRangeDigests {
    private PgRangeDigests() {
    }

    /** The PostgreSQL type a key of this kind is compared as, or empty when range digests don't support it. */
    static Optional<String> keyType(ColumnType t) {
        return switch (t) {
            case STRING, TEXT -> Optional.of("text");
            case SMALLINT -> Optional.of("int2");
            case INTEGER -> Optional.of("int4");
            case BIGINT -> Optional.of("int8");
            case DECIMAL -> Optional.of("numeric");
            case UUID -> Optional.of("uuid");
            case DATE -> Optional.of("date");
            default -> Optional.empty();
        };
    }

    /** The row list every digest and COPY read uses, so the server's row text matches the lines we hash. */
    static String columnList(Schema schema, Dialect dialect) {
        StringJoiner cols = new StringJoiner(", ");
        for (Column c : schema.columns()) cols.add(dialect.quoteExact(c.name()));
        return cols.toString();
    }

    static Optional<List<RangeDigest>> digest(Connection connection, JdbcSource source, Schema schema, Dialect dialect,
                                              ReadSpec spec, List<String> thresholds) {
        if (spec.key().size() != 1) return Optional.empty();
        Column key = source.column(spec.key().get(0), "key");
        Optional<String> type = keyType(key.type());
        if (type.isEmpty()) return Optional.empty();
        JdbcSource.Filter filter = source.cursorFilter(spec);
        // hash in the scan, then group the narrow (bucket, hash) pairs: grouping whole rows made PostgreSQL sort
        // them to disk (it cannot estimate width_bucket's few groups)
        boolean versioned = source.rowVersioned();
        String hash = versioned
                ? "hashtextextended(ferry_r." + dialect.quoteExact(key.name()) + "::text || ':' || ferry_r.ferry_xmin::text, 0)"
                : "hashtextextended(ROW(ferry_r.*)::text, 0)";
        String cols = versioned ? dialect.quoteExact(key.name()) + ", xmin AS ferry_xmin" : columnList(schema, dialect);
        String sql = "SELECT b, count(*), bit_xor(h) FROM (SELECT width_bucket(ferry_r." + dialect.quoteExact(key.name())
                + ", CAST(? AS text[])::" + type.get() + "[]) AS b, " + hash + " AS h FROM (SELECT "
                + cols + " FROM " + source.from() + (filter.sql().isEmpty() ? "" : " WHERE " + filter.sql())
                + ") ferry_r) ferry_h GROUP BY b";
        String[] bounds = new String[thresholds.size()];
        for (int i = 0; i < bounds.length; i++) {
            Object v = Values.decodeKey(thresholds.get(i), List.of(key.type()))[0];
            bounds[i] = Values.format(v);
        }
        long[] rows = new long[bounds.length + 1];
        long[] hashes = new long[bounds.length + 1];
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setFetchSize(0); // one fetch: a portal that may be suspended would forbid a parallel plan
            ps.setArray(1, connection.createArrayOf("text", bounds));
            filter.bind(ps, 2, dialect);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int bucket = rs.getInt(1);
                    rows[bucket] = rs.getLong(2);
                    hashes[bucket] = rs.getLong(3);
                }
            }
        } catch (SQLException e) {
            throw new SyncException("cannot digest the key ranges of " + source.what() + ": " + Jdbc.firstLine(e.getMessage()), e);
        }
        List<RangeDigest> out = new ArrayList<>();
        for (int i = 0; i <= bounds.length; i++) {
            out.add(new RangeDigest(i == 0 ? Optional.empty() : Optional.of(thresholds.get(i - 1)), rows[i], hashes[i]));
        }
        return Optional.of(out);
    }
}

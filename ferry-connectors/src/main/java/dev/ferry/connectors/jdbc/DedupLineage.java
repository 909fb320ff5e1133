package dev.ferry.connectors.jdbc;

import dev.ferry.quality.MatchExplainer;
import dev.ferry.quality.Prepared;
import dev.ferry.quality.RuleSet;
import dev.ferry.quality.dedup.DedupSettings;
import dev.ferry.quality.dedup.Features;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.SyncException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a dedup destination's lineage ({@code <table>__links}) to explain why two source records share a
 * master or not: their links, then {@link MatchExplainer} on the match values stored with the links (the values
 * the rules compared when each record was last linked). Read-only; what {@code ferry explain-match} prints.
 */
public final class DedupLineage {
    private DedupLineage() {
    }

    private record Link(String sourceKey, String masterKey, String rule, double score, String linkedAt, String features) {
    }

    /**
     * Explains {@code key} against {@code other}; without {@code other}, against its master's founding record
     * (or, for a founder, against the first other member of its master).
     */
    public static List<String> explainMatch(ConnectorConfig destination, String key, Optional<String> other) {
        if (destination.values().get("dedup") == null) {
            throw new ConfigException(List.of("the sync file has no dedup: section, so there is no match to explain"));
        }
        RuleSet rules = DedupSettings.require(destination.values().get("dedup"), "dedup").rules();
        String url = destination.string("url").orElseThrow(() -> new ConfigException(List.of(destination.key("url") + ": required")));
        Jdbc.Settings settings = new Jdbc.Settings(destination.path(), url, destination.string("user").orElse(null),
                destination.string("password").orElse(null), Dialect.fromUrl(url));
        String table = destination.string("table").orElseThrow(() -> new ConfigException(List.of(destination.key("table") + ": required")));
        String[] parts = Dialect.splitTable(table, destination.key("table"));
        JdbcDestination.Names names = new JdbcDestination.Names(parts.length == 2 ? parts[0] : null, parts[parts.length - 1],
                parts[parts.length - 1], settings.dialect());
        String links = names.qualified(names.table() + "__links");
        try (Connection c = Jdbc.connect(settings)) {
            Link a = link(c, links, key).orElseThrow(() -> new SyncException("record " + key + " has no link in "
                    + names.display() + "__links: it was not synced with this dedup: section (yet)"));
            List<String> out = new ArrayList<>();
            out.add(describe(a));
            Optional<Link> b;
            if (other.isPresent()) {
                b = Optional.of(link(c, links, other.get()).orElseThrow(() -> new SyncException("record " + other.get()
                        + " has no link in " + names.display() + "__links: it was not synced with this dedup: section (yet)")));
            } else if (!a.masterKey().equals(a.sourceKey())) {
                b = link(c, links, a.masterKey());
            } else {
                b = firstOtherMember(c, links, a);
                if (b.isEmpty()) out.add("no other record is linked to master " + a.masterKey() + ": nothing was merged into it");
            }
            if (b.isEmpty()) return out;
            Link l = b.get();
            out.add(describe(l));
            boolean merged = a.masterKey().equals(l.masterKey());
            out.add(merged ? "same master (" + a.masterKey() + "): merged"
                    : "different masters (" + a.masterKey() + ", " + l.masterKey() + "): not merged");
            int size = rules.features().size();
            Prepared pa = Features.decode(a.features(), size), pb = Features.decode(l.features(), size);
            out.addAll(new MatchExplainer(rules).explain(a.sourceKey(), pa, l.sourceKey(), pb));
            if (merged && rules.match(pa, pb).isEmpty()) {
                out.add("they do not match each other directly: each matched other records of master " + a.masterKey()
                        + " (matches are transitive)");
            }
            return out;
        } catch (SQLException e) {
            throw new SyncException("reading " + links + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Link l) {
        return "record " + l.sourceKey() + ": master " + l.masterKey() + (l.rule().equals("new") ? " (it founded it)"
                : ", linked by rule " + l.rule() + String.format(Locale.ROOT, " (score %.3f)", l.score())) + " at " + l.linkedAt();
    }

    private static Optional<Link> link(Connection c, String links, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT source_key, master_key, match_rule, score, linked_at, features FROM "
                + links + " WHERE source_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<Link> firstOtherMember(Connection c, String links, Link founder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT source_key, master_key, match_rule, score, linked_at, features FROM "
                + links + " WHERE master_key = ? AND source_key <> ? ORDER BY linked_at, source_key")) {
            ps.setString(1, founder.masterKey());
            ps.setString(2, founder.sourceKey());
            ps.setMaxRows(1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Link read(ResultSet rs) throws SQLException {
        return new Link(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), String.valueOf(rs.getTimestamp(5)), rs.getString(6));
    }
}

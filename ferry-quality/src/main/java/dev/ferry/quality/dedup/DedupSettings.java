package dev.ferry.quality.dedup;

import dev.ferry.quality.ContactRules;
import dev.ferry.quality.NicknameTable;
import dev.ferry.quality.Normalizers;
import dev.ferry.quality.RuleSet;
import dev.ferry.quality.RuleSetParser;
import dev.ferry.spi.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sync file's {@code dedup:} section, validated with every problem at once:
 * <pre>
 * dedup:
 *   preset: contacts            # the documented default rules (or rules: + blocking:)
 *   strategy: merge_fields      # merge_fields | keep_first | keep_most_complete
 *   system: crm                 # source system named in the lineage table (default: the sync's name)
 *   region: US                  # default region for national phone numbers
 *   nicknames: {robert: [bobbo]}
 *   roleMailboxes: [frontdesk]
 * </pre>
 */
public record DedupSettings(RuleSet rules, Strategy strategy, Optional<String> system, boolean preset) {
    public static final Set<String> KEYS = Set.of("preset", "rules", "blocking", "strategy", "system", "region", "nicknames",
            "roleMailboxes");

    public static Optional<DedupSettings> parse(Object node, String path, List<String> problems) {
        if (node == null) return Optional.empty();
        if (!(node instanceof Map<?, ?> raw)) {
            problems.add(path + ": must be a mapping, e.g. {preset: contacts, strategy: merge_fields}");
            return Optional.empty();
        }
        Map<String, Object> map = new LinkedHashMap<>();
        raw.forEach((k, v) -> map.put(String.valueOf(k), v));
        int before = problems.size();
        for (String k : map.keySet()) {
            if (!KEYS.contains(k)) problems.add(path + "." + k + ": unknown key; known keys here are " + new TreeSet<>(KEYS));
        }
        String region = map.get("region") == null ? "US" : String.valueOf(map.get("region")).trim();
        if (!Normalizers.validRegion(region)) {
            problems.add(path + ".region: '" + region + "' is not a region code; use a two-letter code such as US, GB or DE");
            region = "US";
        }
        NicknameTable nicknames = NicknameTable.shipped();
        Object nick = map.get("nicknames");
        if (nick != null) {
            if (nick instanceof Map<?, ?> nm) {
                Map<String, List<String>> extra = new LinkedHashMap<>();
                nm.forEach((k, v) -> {
                    if (v instanceof List<?> l) extra.put(String.valueOf(k), l.stream().map(String::valueOf).toList());
                    else if (v != null) extra.put(String.valueOf(k), List.of(String.valueOf(v)));
                });
                nicknames = nicknames.with(extra);
            } else {
                problems.add(path + ".nicknames: must map a given name to its nicknames, e.g. {robert: [bobbo, robbo]}");
            }
        }
        List<String> roles = new ArrayList<>();
        Object r = map.get("roleMailboxes");
        if (r instanceof List<?> l) l.forEach(x -> roles.add(String.valueOf(x)));
        else if (r != null) problems.add(path + ".roleMailboxes: must be a list of mailbox names, e.g. [frontdesk, reservations]");
        Normalizers normalizers = new Normalizers(region, nicknames, roles);

        Object rulesNode = map.get("rules");
        Object blockingNode = map.get("blocking");
        Object preset = map.get("preset");
        if (preset != null) {
            if (!"contacts".equals(String.valueOf(preset))) {
                problems.add(path + ".preset: '" + preset + "' is not a preset; use contacts, or give rules: and blocking:");
            } else {
                Map<String, Object> tree = ContactRules.tree();
                if (rulesNode == null) rulesNode = tree.get("rules");
                if (blockingNode == null) blockingNode = tree.get("blocking");
            }
        } else if (rulesNode == null && blockingNode == null) {
            problems.add(path + ": give preset: contacts, or rules: and blocking: (see docs/quality.md)");
        }
        RuleSet rules = null;
        if (rulesNode != null || blockingNode != null) {
            rules = new RuleSetParser(normalizers).parse(rulesNode, blockingNode, path, problems);
        }
        Strategy strategy = Strategy.MERGE_FIELDS;
        if (map.get("strategy") != null) {
            strategy = Strategy.parse(String.valueOf(map.get("strategy"))).orElse(null);
            if (strategy == null) {
                problems.add(path + ".strategy: '" + map.get("strategy") + "' is not a strategy; use merge_fields, keep_first or keep_most_complete");
                strategy = Strategy.MERGE_FIELDS;
            }
        }
        Optional<String> system = Optional.ofNullable(map.get("system")).map(String::valueOf).filter(s -> !s.isBlank());
        if (problems.size() > before || rules == null) return Optional.empty();
        return Optional.of(new DedupSettings(rules, strategy, system, preset != null && map.get("rules") == null));
    }

    /** Parses or throws a {@link ConfigException} with every problem. */
    public static DedupSettings require(Object node, String path) {
        List<String> problems = new ArrayList<>();
        Optional<DedupSettings> s = parse(node, path, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return s.orElseThrow(() -> new ConfigException(path + ": required"));
    }
}

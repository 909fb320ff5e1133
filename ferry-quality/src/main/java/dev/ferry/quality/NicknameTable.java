package dev.ferry.quality;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Given-name nicknames to one canonical name (Bob → robert, Kate → katherine). The table ships as the
 * resource {@code nicknames.txt}; a sync file adds entries with {@code dedup.nicknames}.
 */
public final class NicknameTable {
    private final Map<String, String> canonical;

    private NicknameTable(Map<String, String> canonical) {
        this.canonical = Map.copyOf(canonical);
    }

    /** The shipped table. */
    public static NicknameTable shipped() {
        return Holder.SHIPPED;
    }

    private static final class Holder {
        static final NicknameTable SHIPPED = load();
    }

    private static NicknameTable load() {
        Map<String, String> map = new HashMap<>();
        try (InputStream in = NicknameTable.class.getResourceAsStream("nicknames.txt")) {
            if (in == null) throw new IllegalStateException("nicknames.txt missing from the ferry-quality jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                int colon = line.indexOf(':');
                String name = Text.nameKey(line.substring(0, colon));
                map.putIfAbsent(name, name);
                for (String nick : line.substring(colon + 1).split(",")) {
                    String n = Text.nameKey(nick);
                    if (!n.isEmpty()) map.putIfAbsent(n, name); // first canonical listed wins for shared nicknames
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new NicknameTable(map);
    }

    /** This table plus {@code extra} (canonical → nicknames); an extra entry overrides a shipped one. */
    public NicknameTable with(Map<String, List<String>> extra) {
        Map<String, String> map = new HashMap<>(canonical);
        extra.forEach((name, nicks) -> {
            String c = Text.nameKey(name);
            map.put(c, c);
            for (String n : nicks) map.put(Text.nameKey(n), c);
        });
        return new NicknameTable(map);
    }

    /** The canonical form of a name key (already {@link Text#nameKey}); the key itself when not a nickname. */
    public String canonical(String nameKey) {
        return canonical.getOrDefault(nameKey, nameKey);
    }

    public int size() {
        return canonical.size();
    }
}

package dev.ferry.server.service;

import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import dev.ferry.core.SyncJob;
import dev.ferry.core.config.SyncFileLoader;
import dev.ferry.server.SecretBox;
import dev.ferry.server.api.ApiException;
import dev.ferry.spi.ConfigException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sync definitions per tenant: the sync file's structure (plus {@code schedule:} and {@code webhooks:}), validated
 * with every problem at once; secrets are write-only, encrypted at rest and shown masked.
 */
@Service
public class SyncService {
    public static final String MASK = "******";
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)(?!.*(url|uri|param|field|name)$).*(password|passwd|secret|token|api[_-]?key|credential|private[_-]?key|auth[_-]?header).*");
    private static final Set<String> SERVER_KEYS = Set.of("schedule", "webhooks", "cooldown");
    private static final Set<String> WEBHOOK_EVENTS = Set.of("succeeded", "partial", "failed");
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };

    /** A schedule: a cron expression (6 fields, with seconds) or a fixed interval. */
    public record Schedule(Optional<String> cron, Optional<Duration> every) implements java.io.Serializable {
        public Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            cron.ifPresent(c -> m.put("cron", c));
            every.ifPresent(d -> m.put("every", d.toString()));
            return m;
        }
    }

    /** A stored sync; {@code definition} has secrets masked, {@code secrets} holds them encrypted. */
    public record Sync(String id, String tenantId, String name, Map<String, Object> definition, Optional<String> secrets,
                       Optional<Schedule> schedule, Instant createdAt, Instant updatedAt) {
    }

    private final JdbcClient db;
    private final SyncFileLoader loader;
    private final HostGuard hosts;
    private final SecretBox box;
    private final Clock clock;
    private final List<SyncListener> listeners;

    /** Told when a sync's schedule may have changed (the scheduler keeps its recurring task in step). */
    public interface SyncListener {
        void saved(Sync sync);

        void deleted(Sync sync);
    }

    public SyncService(JdbcClient db, SyncFileLoader loader, HostGuard hosts, SecretBox box, Clock clock,
                       List<SyncListener> listeners) {
        this.db = db;
        this.loader = loader;
        this.hosts = hosts;
        this.box = box;
        this.clock = clock;
        this.listeners = listeners;
    }

    /** Parses a request body: JSON, or a YAML sync file (JSON is YAML, so one parser reads both). */
    public static Map<String, Object> parseBody(String body) {
        try {
            Object tree = YAML.readValue(body == null ? "" : body, Object.class);
            if (tree instanceof Map<?, ?>) return JSON.convertValue(tree, MAP);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiException.invalid(List.of("body: not valid JSON or YAML" + where + ": " + e.getOriginalMessage()));
        }
        throw ApiException.invalid(List.of("body: expected an object with name, source and destination"));
    }

    public Sync create(String tenantId, Map<String, Object> body) {
        String id = Ids.random("s_", 12);
        Validated v = validate(id, body, Map.of());
        Instant now = clock.instant();
        Sync s = new Sync(id, tenantId, v.name, v.masked, v.encrypt(box, owner(tenantId, id)), v.schedule, now, now);
        try {
            db.sql("INSERT INTO fs_syncs (id, tenant_id, name, definition_json, secrets_enc, schedule_json, created_at, updated_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(s.id(), tenantId, s.name(), JSON.writeValueAsString(s.definition()), s.secrets().orElse(null),
                            s.schedule().map(x -> JSON.writeValueAsString(x.view())).orElse(null), now.toEpochMilli(), now.toEpochMilli())
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("a sync named '" + s.name() + "' exists already; update it with PUT /api/v1/syncs/{id}");
        }
        listeners.forEach(l -> l.saved(s));
        return s;
    }

    /** Replaces a definition; a secret sent back masked ("******") keeps its stored value. */
    public Sync update(String tenantId, String id, Map<String, Object> body) {
        Sync old = get(tenantId, id);
        Validated v = validate(id, body, secretsOf(old));
        Instant now = clock.instant();
        Sync s = new Sync(id, tenantId, v.name, v.masked, v.encrypt(box, owner(tenantId, id)), v.schedule, old.createdAt(), now);
        try {
            db.sql("UPDATE fs_syncs SET name = ?, definition_json = ?, secrets_enc = ?, schedule_json = ?, updated_at = ? "
                            + "WHERE id = ? AND tenant_id = ?")
                    .params(s.name(), JSON.writeValueAsString(s.definition()), s.secrets().orElse(null),
                            s.schedule().map(x -> JSON.writeValueAsString(x.view())).orElse(null), now.toEpochMilli(), id, tenantId)
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("a sync named '" + s.name() + "' exists already");
        }
        listeners.forEach(l -> l.saved(s));
        return s;
    }

    public void delete(String tenantId, String id, boolean hasActiveRun) {
        Sync s = get(tenantId, id);
        if (hasActiveRun) throw ApiException.conflict("sync " + id + " has a queued or running run; cancel it first");
        db.sql("DELETE FROM fs_syncs WHERE id = ? AND tenant_id = ?").params(id, tenantId).update();
        listeners.forEach(l -> l.deleted(s));
    }

    /** The tenant's sync, or 404 (another tenant's sync is as unknown as a missing one). */
    public Sync get(String tenantId, String id) {
        return find(id).filter(s -> s.tenantId().equals(tenantId)).orElseThrow(() -> ApiException.notFound("sync " + id));
    }

    public Optional<Sync> find(String id) {
        return db.sql("SELECT * FROM fs_syncs WHERE id = ?").param(id).query(this::row).optional();
    }

    public List<Sync> list(String tenantId) {
        return db.sql("SELECT * FROM fs_syncs WHERE tenant_id = ? ORDER BY name").param(tenantId).query(this::row).list();
    }

    public List<Sync> all() {
        return db.sql("SELECT * FROM fs_syncs").query(this::row).list();
    }

    private Sync row(ResultSet rs, int i) throws SQLException {
        String sched = rs.getString("schedule_json");
        Optional<Schedule> schedule = Optional.empty();
        if (sched != null) {
            Map<String, Object> m = JSON.readValue(sched, MAP);
            schedule = Optional.of(new Schedule(Optional.ofNullable((String) m.get("cron")),
                    Optional.ofNullable((String) m.get("every")).map(Duration::parse)));
        }
        return new Sync(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"),
                JSON.readValue(rs.getString("definition_json"), MAP), Optional.ofNullable(rs.getString("secrets_enc")),
                schedule, Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    /** The API's view: the definition with secrets masked, plus id and times. */
    public Map<String, Object> view(Sync s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        s.definition().forEach((k, v) -> {
            if (!k.equals("name")) m.put(k, v);
        });
        m.put("createdAt", s.createdAt().toString());
        m.put("updatedAt", s.updatedAt().toString());
        return m;
    }

    /** The job the engine runs: the definition with its secrets put back; the engine knows it by the sync's id. */
    public SyncJob job(Sync s) {
        return syncFile(s).job();
    }

    /** The parsed definition: for {@code direction: bidirectional}, {@code bidi()} is what runs (job() is only its a → b view). */
    public dev.ferry.core.config.SyncFile syncFile(Sync s) {
        Map<String, Object> def = withSecrets(s.definition(), secretsOf(s));
        SERVER_KEYS.forEach(def::remove);
        def.put("name", s.id());
        return loader.fromMap(def, null, "api:" + s.tenantId() + "/" + s.name());
    }

    /** The sync's cool-down: how long after its last run ended a new one may not be started; empty when none is set. */
    public static Optional<Duration> cooldown(Sync s) {
        return s.definition().get("cooldown") instanceof Object v ? interval(String.valueOf(v)) : Optional.empty();
    }

    /** Webhooks with their secrets (for delivery only). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> webhooks(Sync s) {
        Object hooks = withSecrets(s.definition(), secretsOf(s)).get("webhooks");
        return hooks instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    Map<String, String> secretsOf(Sync s) {
        return s.secrets().map(c -> JSON.readValue(box.decrypt(c, owner(s.tenantId(), s.id())), STRINGS))
                .map(m -> (Map<String, String>) m).orElse(Map.of());
    }

    private static String owner(String tenantId, String syncId) {
        return "ferry-sync:" + tenantId + "/" + syncId;
    }

    private record Validated(String name, Map<String, Object> masked, Map<String, String> secrets, Optional<Schedule> schedule) {
        Optional<String> encrypt(SecretBox box, String owner) {
            return secrets.isEmpty() ? Optional.empty() : Optional.of(box.encrypt(JSON.writeValueAsString(secrets), owner));
        }
    }

    private Validated validate(String id, Map<String, Object> body, Map<String, String> previousSecrets) {
        List<String> problems = new ArrayList<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        Map<String, Object> masked = mask(body, "", secrets, previousSecrets, problems);
        Map<String, Object> real = withSecrets(masked, secrets);
        Object name = real.get("name");
        if (!(name instanceof String n) || n.isBlank()) {
            problems.add("name: required; name the sync (letters, digits, '_', '-', '.')");
        } else if (!n.matches("[A-Za-z0-9_.-]{1,200}")) {
            problems.add("name: '" + n + "' may hold only letters, digits, '_', '-' and '.'");
        }
        if (real.containsKey("state")) {
            problems.add("state: the server keeps run state in its own store; remove state:");
        }
        Optional<Schedule> schedule = schedule(real.get("schedule"), problems);
        Object cooldown = real.get("cooldown");
        if (cooldown != null && (cooldown instanceof Map || cooldown instanceof List || interval(String.valueOf(cooldown)).isEmpty())) {
            problems.add("cooldown: '" + cooldown + "' is not a duration; write e.g. 30s, 10m or 1h (time after a run ends before the next may start)");
        }
        webhooks(real.get("webhooks"), problems);
        problems.addAll(hosts.check(real));
        Map<String, Object> forLoader = new LinkedHashMap<>(real);
        SERVER_KEYS.forEach(forLoader::remove);
        forLoader.remove("state");
        forLoader.put("name", id);
        try {
            loader.fromMap(forLoader, null, "api");
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) throw ApiException.invalid(problems.stream().distinct().toList());
        return new Validated((String) name, masked, secrets, schedule);
    }

    /** Copies {@code node}, moving secret values into {@code secrets} (by path) and leaving the mask in their place. */
    @SuppressWarnings("unchecked")
    private static <T> T mask(T node, String path, Map<String, String> secrets, Map<String, String> previous, List<String> problems) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                String key = String.valueOf(k);
                String p = path.isEmpty() ? key : path + "." + key;
                if (SECRET_KEY.matcher(key).matches() && v != null && !(v instanceof Map) && !(v instanceof List)) {
                    String value = String.valueOf(v);
                    if (value.equals(MASK)) {
                        String old = previous.get(p);
                        if (old == null) problems.add(p + ": send the secret's value (the mask keeps a stored value only on update)");
                        else secrets.put(p, old);
                    } else {
                        secrets.put(p, value);
                    }
                    out.put(key, MASK);
                } else {
                    out.put(key, mask(v, p, secrets, previous, problems));
                }
            });
            return (T) out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) out.add(mask(l.get(i), path + "[" + i + "]", secrets, previous, problems));
            return (T) out;
        }
        if (node instanceof String s && s.contains("${")) {
            problems.add(path + ": ${…} is not substituted by the server; give the value itself");
        }
        return node;
    }

    /** A deep copy with each masked secret replaced by its value. */
    private static Map<String, Object> withSecrets(Map<String, Object> masked, Map<String, String> secrets) {
        Map<String, Object> copy = JSON.convertValue(masked, MAP);
        secrets.forEach((path, value) -> put(copy, path, value));
        return copy;
    }

    private static final Pattern SEGMENT = Pattern.compile("([^.\\[]+)((?:\\[\\d+])*)");

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String path, String value) {
        String[] parts = path.split("\\.");
        Object node = root;
        for (int i = 0; i < parts.length; i++) {
            Matcher m = SEGMENT.matcher(parts[i]);
            if (!m.matches() || !(node instanceof Map<?, ?>)) return;
            String key = m.group(1);
            List<Integer> indexes = new ArrayList<>();
            Matcher idx = Pattern.compile("\\[(\\d+)]").matcher(m.group(2));
            while (idx.find()) indexes.add(Integer.parseInt(idx.group(1)));
            Map<String, Object> map = (Map<String, Object>) node;
            if (i == parts.length - 1 && indexes.isEmpty()) {
                if (map.containsKey(key)) map.put(key, value);
                return;
            }
            node = map.get(key);
            for (int j = 0; j < indexes.size(); j++) {
                if (!(node instanceof List<?> list) || indexes.get(j) >= list.size()) return;
                node = list.get(indexes.get(j));
            }
        }
    }

    /** A paused schedule ({@code enabled: false}) stays in the definition, validated, but is not scheduled. */
    private static Optional<Schedule> schedule(Object v, List<String> problems) {
        Optional<Schedule> s = scheduleOf(v, problems);
        if (v instanceof Map<?, ?> m && m.containsKey("enabled") && !(m.get("enabled") instanceof Boolean)) {
            problems.add("schedule.enabled: give true or false");
        }
        return v instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("enabled")) ? Optional.empty() : s;
    }

    private static Optional<Schedule> scheduleOf(Object v, List<String> problems) {
        if (v == null) return Optional.empty();
        if (!(v instanceof Map<?, ?> m)) {
            problems.add("schedule: give {cron: \"0 */15 * * * *\"} or {every: 30m}");
            return Optional.empty();
        }
        for (Object k : m.keySet()) {
            if (!k.equals("cron") && !k.equals("every") && !k.equals("enabled")) problems.add("schedule." + k + ": unknown key; use cron, every or enabled");
        }
        Object cron = m.get("cron");
        Object every = m.get("every");
        if ((cron == null) == (every == null)) {
            problems.add("schedule: give exactly one of cron (6 fields: sec min hour day month weekday) or every (e.g. 30m)");
            return Optional.empty();
        }
        if (cron != null) {
            try {
                new CronSchedule(String.valueOf(cron));
                return Optional.of(new Schedule(Optional.of(String.valueOf(cron)), Optional.empty()));
            } catch (RuntimeException e) {
                problems.add("schedule.cron: '" + cron + "' is not a cron expression; write 6 fields, e.g. \"0 */15 * * * *\"");
                return Optional.empty();
            }
        }
        Optional<Duration> d = interval(String.valueOf(every));
        if (d.isEmpty() || d.get().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("schedule.every: '" + every + "' is not an interval of at least 1s; write e.g. 90s, 15m or 1h");
            return Optional.empty();
        }
        return Optional.of(new Schedule(Optional.empty(), d));
    }

    static Optional<Duration> interval(String s) {
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) return Optional.empty();
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    private static void webhooks(Object v, List<String> problems) {
        if (v == null) return;
        if (!(v instanceof List<?> l)) {
            problems.add("webhooks: give a list of {url, secret, events}");
            return;
        }
        for (int i = 0; i < l.size(); i++) {
            String p = "webhooks[" + i + "]";
            if (!(l.get(i) instanceof Map<?, ?> h)) {
                problems.add(p + ": give {url, secret, events}");
                continue;
            }
            for (Object k : h.keySet()) {
                if (!Set.of("url", "secret", "events").contains(k)) problems.add(p + "." + k + ": unknown key; use url, secret, events");
            }
            if (!(h.get("url") instanceof String u) || u.isBlank()) problems.add(p + ".url: required; the https:// URL to POST to");
            if (!(h.get("secret") instanceof String sec) || sec.length() < 16) {
                problems.add(p + ".secret: required, at least 16 characters; it keys the HMAC-SHA256 signature");
            }
            if (h.get("events") instanceof List<?> ev) {
                for (Object e : ev) {
                    if (!WEBHOOK_EVENTS.contains(String.valueOf(e))) problems.add(p + ".events: '" + e + "' is not an event; use " + WEBHOOK_EVENTS);
                }
            } else if (h.get("events") != null) {
                problems.add(p + ".events: give a list, e.g. [failed, partial]");
            }
        }
    }
}

package dev.ferry.connectors.mongodb;

import com.mongodb.ConnectionString;
import dev.ferry.spi.ConnectorConfig;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A MongoDB destination's settings: {@code url} (a mongodb:// or mongodb+srv:// connection string),
 * {@code database}, and the collection ({@code table}, the engine's key; {@code collection} is accepted when
 * {@code table} is absent).
 */
record MongoSettings(String path, String url, String database, String collection) {
    private static final Pattern USER_INFO = Pattern.compile("(mongodb(?:\\+srv)?://)[^/@]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
    private static final String DB_FORBIDDEN = "/\\. \"$*<>:|?";

    static MongoSettings from(ConnectorConfig config) {
        return new MongoSettings(config.path(), config.string("url").orElseThrow(),
                config.string("database").orElseThrow().trim(), collectionOf(config).orElseThrow().trim());
    }

    static java.util.Optional<String> collectionOf(ConnectorConfig config) {
        return config.string("table").filter(s -> !s.isBlank()).or(() -> config.string("collection"));
    }

    /** The URL without user and password: safe for messages and logs. */
    String safeUrl() {
        return redact(url);
    }

    String namespace() {
        return database + "." + collection;
    }

    static String redact(String url) {
        if (url == null) return "";
        return USER_INFO.matcher(PASSWORD_PARAM.matcher(url).replaceAll("$1***")).replaceAll("$1***:***@");
    }

    static void validate(ConnectorConfig config, List<String> problems) {
        String url = config.require("url", problems,
                "give a connection string, e.g. mongodb://user:${MONGO_PASSWORD}@127.0.0.1:27017/?authSource=admin");
        if (!url.isEmpty()) {
            if (!url.startsWith("mongodb://") && !url.startsWith("mongodb+srv://")) {
                problems.add(config.key("url") + ": '" + redact(url)
                        + "' is not a MongoDB connection string; it must start with mongodb:// or mongodb+srv://");
            } else {
                try {
                    new ConnectionString(url);
                } catch (RuntimeException e) {
                    problems.add(config.key("url") + ": '" + redact(url) + "' is not a valid connection string ("
                            + redact(scrub(e.getMessage(), url)) + "); see https://www.mongodb.com/docs/manual/reference/connection-string/");
                }
            }
        }
        String db = config.require("database", problems, "name the MongoDB database to write into, e.g. analytics");
        if (!db.isEmpty()) {
            for (char c : db.trim().toCharArray()) {
                if (DB_FORBIDDEN.indexOf(c) >= 0 || c == 0) {
                    problems.add(config.key("database") + ": '" + db + "' contains '" + c
                            + "', which MongoDB does not allow in a database name; use letters, digits, _ or -");
                    break;
                }
            }
            if (db.trim().length() > 63) {
                problems.add(config.key("database") + ": '" + db + "' is longer than 63 characters; use a shorter name");
            }
        }
        java.util.Optional<String> coll = collectionOf(config).filter(s -> !s.isBlank());
        if (coll.isEmpty()) {
            problems.add(config.key("table") + ": required; name the collection to write, e.g. orders (created if missing)");
        } else {
            String c = coll.get().trim();
            if (c.contains("$") || c.indexOf(0) >= 0) {
                problems.add(config.key("table") + ": '" + c + "' contains '$' or a NUL character, which MongoDB does not allow in a collection name");
            }
            if (c.startsWith("system.")) {
                problems.add(config.key("table") + ": '" + c + "' is in MongoDB's reserved system. namespace; choose another collection name");
            }
        }
        if (config.string("table").filter(s -> !s.isBlank()).isPresent() && config.string("collection").isPresent()
                && !config.string("table").get().trim().equals(config.string("collection").get().trim())) {
            problems.add(config.key("collection") + ": '" + config.string("collection").get() + "' differs from "
                    + config.key("table") + " '" + config.string("table").get() + "'; give the collection once, as table");
        }
    }

    /** A driver message with any secret of the URL removed. */
    static String scrub(String message, String url) {
        if (message == null) return "";
        String m = message.replace(url, redact(url));
        try {
            ConnectionString cs = new ConnectionString(url);
            if (cs.getPassword() != null) m = dev.ferry.spi.Secrets.mask(m, new String(cs.getPassword()));
        } catch (RuntimeException ignored) {
            // an invalid URL: the redacted form above is all we can do
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

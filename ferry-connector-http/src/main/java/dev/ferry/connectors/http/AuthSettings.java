package dev.ferry.connectors.http;

import dev.ferry.spi.ConnectorConfig;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code source.auth}. Secret values live here and are only ever sent, never printed (toString masks them). */
sealed interface AuthSettings {
    String TYPES = "none, bearer, basic, api_key, oauth2_client_credentials, oauth2_password or ionapi";

    record None() implements AuthSettings {}

    record Bearer(String token) implements AuthSettings {
        @Override public String toString() { return "Bearer[***]"; }
    }

    record Basic(String user, String password) implements AuthSettings {
        @Override public String toString() { return "Basic[" + user + ", ***]"; }
    }

    record ApiKey(String name, String value, boolean inQuery) implements AuthSettings {
        @Override public String toString() { return "ApiKey[" + name + ", ***, " + (inQuery ? "query" : "header") + "]"; }
    }

    /** OAuth2 token endpoint grants: client credentials (username null) or password. */
    record OAuth2(String tokenUrl, String clientId, String clientSecret, Optional<String> scope,
                  String username, String password) implements AuthSettings {
        boolean passwordGrant() { return username != null; }
        @Override public String toString() { return "OAuth2[" + tokenUrl + ", " + clientId + ", ***]"; }
    }

    /** An Infor ION API .ionapi file: a password grant with the service-account key, plus the API base URL. */
    record IonApi(Path file, OAuth2 oauth, String apiBase) implements AuthSettings {
        @Override public String toString() { return "IonApi[" + file + "]"; }
    }

    static AuthSettings parse(ConnectorConfig config, List<String> problems) {
        Object raw = config.values().get("auth");
        if (raw == null) return new None();
        String where = config.key("auth");
        if (!(raw instanceof Map<?, ?>)) {
            problems.add(where + ": give a map, e.g. {type: bearer, token: \"${API_TOKEN}\"}");
            return new None();
        }
        Map<String, Object> a = config.map("auth");
        String type = String.valueOf(a.getOrDefault("type", "none")).strip().toLowerCase(Locale.ROOT);
        Set<String> allowed = switch (type) {
            case "none" -> Set.of("type");
            case "bearer" -> Set.of("type", "token");
            case "basic" -> Set.of("type", "user", "password");
            case "api_key" -> Set.of("type", "name", "value", "in");
            case "oauth2_client_credentials" -> Set.of("type", "tokenUrl", "clientId", "clientSecret", "scope");
            case "oauth2_password" -> Set.of("type", "tokenUrl", "clientId", "clientSecret", "scope", "username", "password");
            case "ionapi" -> Set.of("type", "file");
            default -> null;
        };
        if (allowed == null) {
            problems.add(where + ".type: '" + type + "' is not an auth type; use " + TYPES);
            return new None();
        }
        for (String k : a.keySet()) {
            if (!allowed.contains(k)) problems.add(where + "." + k + ": not used by auth type " + type + "; it takes " + new java.util.TreeSet<>(allowed));
        }
        return switch (type) {
            case "bearer" -> new Bearer(req(a, where, "token", "give the token, e.g. token: \"${API_TOKEN}\"", problems));
            case "basic" -> new Basic(req(a, where, "user", "give the user name", problems),
                    req(a, where, "password", "give the password, e.g. password: \"${API_PASSWORD}\"", problems));
            case "api_key" -> {
                String in = str(a, "in") == null ? "header" : str(a, "in").toLowerCase(Locale.ROOT);
                if (!in.equals("header") && !in.equals("query")) problems.add(where + ".in: '" + in + "' is not a place; use header or query");
                yield new ApiKey(req(a, where, "name", "give the header or query parameter name, e.g. X-API-Key", problems),
                        req(a, where, "value", "give the key, e.g. value: \"${API_KEY}\"", problems), in.equals("query"));
            }
            case "oauth2_client_credentials", "oauth2_password" -> {
                boolean password = type.equals("oauth2_password");
                String tokenUrl = req(a, where, "tokenUrl", "give the token endpoint, e.g. https://login.example.com/oauth2/token", problems);
                if (!tokenUrl.isEmpty() && !tokenUrl.matches("(?i)https?://.+")) {
                    problems.add(where + ".tokenUrl: '" + Urls.redact(tokenUrl) + "' is not an http(s) URL");
                }
                yield new OAuth2(tokenUrl,
                        req(a, where, "clientId", "give the OAuth2 client id", problems),
                        req(a, where, "clientSecret", "give the client secret, e.g. clientSecret: \"${CLIENT_SECRET}\"", problems),
                        Optional.ofNullable(str(a, "scope")),
                        password ? req(a, where, "username", "give the user name for the password grant", problems) : null,
                        password ? req(a, where, "password", "give the password, e.g. password: \"${API_PASSWORD}\"", problems) : null);
            }
            case "ionapi" -> ionApi(config, a, where, problems);
            default -> new None();
        };
    }

    private static AuthSettings ionApi(ConnectorConfig config, Map<String, Object> a, String where, List<String> problems) {
        String text = req(a, where, "file", "give the path of the .ionapi file downloaded from ION API Gateway", problems);
        if (text.isEmpty()) return new None();
        Path file = Path.of(text);
        Optional<String> baseDir = config.string("baseDir").filter(s -> !s.isBlank());
        if (!file.isAbsolute() && baseDir.isPresent()) file = Path.of(baseDir.get()).resolve(file);
        if (!Files.isReadable(file)) {
            problems.add(where + ".file: cannot read " + file + "; download the .ionapi file for a backend service "
                    + "from ION API Gateway (Authorized Apps) and give its path");
            return new None();
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(Files.readString(file));
        } catch (Exception e) {
            problems.add(where + ".file: " + file + " is not a JSON .ionapi file; download it again from ION API Gateway");
            return new None();
        }
        List<String> missing = new java.util.ArrayList<>();
        for (String f : List.of("ci", "cs", "pu", "ot", "saak", "sask", "ti", "iu")) {
            if (!n.path(f).isString() || n.path(f).stringValue().isBlank()) missing.add(f);
        }
        if (!missing.isEmpty()) {
            problems.add(where + ".file: " + file + " lacks " + missing + "; download a backend-service .ionapi file "
                    + "(with service-account keys saak/sask) from ION API Gateway");
            return new None();
        }
        String pu = n.path("pu").stringValue();
        String ot = n.path("ot").stringValue();
        String tokenUrl = pu.endsWith("/") || ot.startsWith("/") ? pu + ot : pu + "/" + ot;
        String iu = n.path("iu").stringValue().replaceAll("/+$", "");
        OAuth2 oauth = new OAuth2(tokenUrl, n.path("ci").stringValue(), n.path("cs").stringValue(), Optional.empty(),
                n.path("saak").stringValue(), n.path("sask").stringValue());
        return new IonApi(file, oauth, iu + "/" + n.path("ti").stringValue());
    }

    private static String req(Map<String, Object> a, String where, String key, String hint, List<String> problems) {
        String v = str(a, key);
        if (v == null) {
            problems.add(where + "." + key + ": required; " + hint);
            return "";
        }
        return v;
    }

    private static String str(Map<String, Object> a, String key) {
        Object v = a.get(key);
        return v == null || String.valueOf(v).isBlank() ? null : String.valueOf(v).strip();
    }
}

package dev.ferry.quality;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The documented default rules for contacts, shipped as {@code contacts-default.yaml} (plain rule data). */
public final class ContactRules {
    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    private ContactRules() {
    }

    /** The default rules' data tree: {rules: [...], blocking: [...]}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> tree() {
        try (InputStream in = ContactRules.class.getResourceAsStream("contacts-default.yaml")) {
            if (in == null) throw new IllegalStateException("contacts-default.yaml missing from the ferry-quality jar");
            return YAML.readValue(in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RuleSet defaults(Normalizers normalizers) {
        Map<String, Object> t = tree();
        return RuleSetParser.compile(normalizers, t.get("rules"), t.get("blocking"), "dedup");
    }

    public static RuleSet defaults() {
        return defaults(Normalizers.defaults());
    }
}

package dev.ferry.server.web;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SyncFormTest {
    static Map<String, Object> definition() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "orders");
        m.put("source", new LinkedHashMap<>(Map.of("type", "postgres", "table", "s.orders", "key", List.of("id", "line"), "password", "******")));
        m.put("destination", Map.of("type", "h2", "table", "orders"));
        m.put("batch", Map.of("size", 500, "readAhead", true));
        m.put("webhooks", List.of(Map.of("url", "https://example.test/hook", "events", List.of("failed"))));
        return m;
    }

    @Test
    void flattenThenRebuildGivesTheDefinitionBackWithTypes() {
        List<SyncForm.Field> fields = SyncForm.flatten(definition());
        assertThat(fields).extracting(SyncForm.Field::path).contains("name", "source.key", "source.password", "batch.size",
                "webhooks[0].url", "webhooks[0].events", "schedule.every", "schedule.cron");
        assertThat(fields).filteredOn(f -> f.path().equals("source.key")).singleElement()
                .satisfies(f -> assertThat(f.value()).isEqualTo("id, line"));
        assertThat(fields).filteredOn(f -> f.path().equals("source.password")).singleElement()
                .satisfies(f -> assertThat(f.secret()).isTrue());
        Map<String, Object> back = SyncForm.rebuild(fields);
        assertThat(back).isEqualTo(Map.of("name", "orders",
                "source", Map.of("type", "postgres", "table", "s.orders", "key", List.of("id", "line"), "password", "******"),
                "destination", Map.of("type", "h2", "table", "orders"),
                "batch", Map.of("size", 500L, "readAhead", true),
                "webhooks", List.of(Map.of("url", "https://example.test/hook", "events", List.of("failed")))));
    }

    @Test
    void emptiedFieldsAreLeftOutAndBadNumbersStayTextForTheServiceToName() {
        List<SyncForm.Field> fields = List.of(new SyncForm.Field("source.table", "  ", SyncForm.Kind.STRING),
                new SyncForm.Field("batch.size", "lots", SyncForm.Kind.NUMBER),
                new SyncForm.Field("schedule.every", "15m", SyncForm.Kind.STRING));
        assertThat(SyncForm.rebuild(fields)).isEqualTo(Map.of("batch", Map.of("size", "lots"), "schedule", Map.of("every", "15m")));
    }

    @Test
    void problemsAreShownAtTheirFieldsAndTheRestAboveTheForm() {
        WebSession s = new WebSession("t_1", "acme", "csrf-1");
        String html = SyncForm.render(s, "s_1", SyncForm.flatten(definition()), List.of(
                new SyncForm.Problem("batch.size", "must be at least 1"), new SyncForm.Problem("mode", "unknown <mode>")));
        assertThat(html).contains("id=\"f-batch-size-err\"", "aria-invalid=\"true\" aria-describedby=\"f-batch-size-err\"", "must be at least 1");
        assertThat(html).contains("<code>mode</code>: unknown &lt;mode&gt;").doesNotContain("<mode>");
        assertThat(html).contains("type=\"password\"").contains("name=\"_csrf\" value=\"csrf-1\"");
    }
}

package dev.ferry.connectors.http;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Plan;
import dev.ferry.spi.Source;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;

class HttpPaginationTest extends HttpTestSupport {

    @Test
    void cursorStyleFollowsTokensUntilMissingAndResumesFromASavedToken() {
        wm.stubFor(get(urlPathEqualTo("/items")).withQueryParam("cursor", absent())
                .willReturn(okJson("{\"data\":" + items(1, 2) + ",\"meta\":{\"next\":\"t2\"}}")));
        wm.stubFor(get(urlPathEqualTo("/items")).withQueryParam("cursor", equalTo("t2"))
                .willReturn(okJson("{\"data\":" + items(3, 4) + ",\"meta\":{\"next\":\"t3\"}}")));
        wm.stubFor(get(urlPathEqualTo("/items")).withQueryParam("cursor", equalTo("t3"))
                .willReturn(okJson("{\"data\":" + items(5, 5) + ",\"meta\":{\"next\":\"\"}}")));
        Map<String, Object> cfg = map("url", url("/items"), "key", List.of("id"), "records", "/data",
                "pagination", map("style", "cursor", "tokenPath", "/meta/next", "tokenParam", "cursor"));
        try (Source s = open(cfg)) {
            List<Batch> batches = readAll(s, Optional.empty());
            assertThat(rows(batches)).containsExactlyElementsOf(expected(1, 5));
            assertThat(batches).extracting(Batch::position).containsExactly("next:t2", "next:t3", "end");
            assertThat(s.stats()).containsEntry("pages", 3L).containsEntry("requests", 3L);
        }
        try (Source s = open(cfg)) {
            assertThat(rows(readAll(s, Optional.of("next:t2")))).containsExactlyElementsOf(expected(3, 5));
            assertThat(readAll(s, Optional.of("end"))).isEmpty();
        }
    }

    @Test
    void nextUrlStyleFollowsRelativeAndAbsoluteUrlsUntilNull() {
        wm.stubFor(get(urlPathEqualTo("/services/query")).willReturn(okJson(
                "{\"totalSize\":5,\"records\":" + items(1, 2) + ",\"nextRecordsUrl\":\"/services/query/01g-2\"}")));
        wm.stubFor(get(urlPathEqualTo("/services/query/01g-2")).willReturn(okJson(
                "{\"records\":" + items(3, 4) + ",\"nextRecordsUrl\":\"" + url("/services/query/01g-3") + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/services/query/01g-3")).willReturn(okJson(
                "{\"records\":" + items(5, 5) + ",\"nextRecordsUrl\":null}")));
        Map<String, Object> cfg = map("url", url("/services/query"), "query", map("q", "SELECT Id FROM Account"),
                "key", List.of("id"), "records", "/records", "total", "/totalSize",
                "pagination", map("style", "next_url", "nextPath", "/nextRecordsUrl"));
        try (Source s = open(cfg)) {
            Plan plan = s.plan(spec());
            assertThat(plan.totalRows()).hasValue(5);
            List<Batch> batches = readAll(s, Optional.empty());
            assertThat(rows(batches)).containsExactlyElementsOf(expected(1, 5));
            assertThat(batches.get(0).position()).isEqualTo("next:" + url("/services/query/01g-2"));
            // schema, plan and the first page share one request
            assertThat(s.stats()).containsEntry("requests", 3L);
            wm.verify(getRequestedFor(urlPathEqualTo("/services/query")).withQueryParam("q", equalTo("SELECT Id FROM Account")));
            String resume = batches.get(0).position();
            try (Source again = open(cfg)) {
                assertThat(rows(readAll(again, Optional.of(resume)))).containsExactlyElementsOf(expected(3, 5));
            }
        }
    }

    @Test
    void linkHeaderStyleFollowsRelNext() {
        wm.stubFor(get(urlEqualTo("/repos")).willReturn(okJson(items(1, 2))
                .withHeader("Link", "<" + url("/repos?page=2") + ">; rel=\"next\", <" + url("/repos?page=3") + ">; rel=\"last\"")));
        wm.stubFor(get(urlEqualTo("/repos?page=2")).willReturn(okJson(items(3, 4))
                .withHeader("Link", "<" + url("/repos?page=1") + ">; rel=\"prev\", </repos?page=3>; rel=\"next\"")));
        wm.stubFor(get(urlEqualTo("/repos?page=3")).willReturn(okJson(items(5, 5))
                .withHeader("Link", "<" + url("/repos?page=2") + ">; rel=\"prev\"")));
        Map<String, Object> cfg = map("url", url("/repos"), "key", "id", "pagination", map("style", "link_header"));
        try (Source s = open(cfg)) {
            List<Batch> batches = readAll(s, Optional.empty());
            assertThat(rows(batches)).containsExactlyElementsOf(expected(1, 5));
            assertThat(batches).extracting(Batch::position)
                    .containsExactly("next:" + url("/repos?page=2"), "next:" + url("/repos?page=3"), "end");
            assertThat(rows(readAll(s, Optional.of(batches.get(1).position())))).containsExactlyElementsOf(expected(5, 5));
        }
    }

    @Test
    void offsetStyleStopsOnAShortPageAndResumesAtTheSavedOffset() {
        for (int off = 0; off <= 4; off += 2) {
            wm.stubFor(get(urlPathEqualTo("/o")).withQueryParam("skip", equalTo(String.valueOf(off))).withQueryParam("top", equalTo("2"))
                    .willReturn(okJson(items(off + 1, Math.min(off + 2, 5)))));
        }
        Map<String, Object> cfg = map("url", url("/o"), "key", "id",
                "pagination", map("style", "offset", "offsetParam", "skip", "limitParam", "top", "limit", 2));
        try (Source s = open(cfg)) {
            List<Batch> batches = readAll(s, Optional.empty());
            assertThat(rows(batches)).containsExactlyElementsOf(expected(1, 5));
            assertThat(batches).extracting(Batch::position).containsExactly("next:2", "next:4", "end");
            assertThat(s.stats()).containsEntry("requests", 3L);
            assertThat(rows(readAll(s, Optional.of("next:2")))).containsExactlyElementsOf(expected(3, 5));
        }
    }

    @Test
    void offsetStyleStopsOnAnEmptyPage() {
        wm.stubFor(get(urlPathEqualTo("/o")).withQueryParam("offset", equalTo("0")).willReturn(okJson(items(1, 2))));
        wm.stubFor(get(urlPathEqualTo("/o")).withQueryParam("offset", equalTo("2")).willReturn(okJson(items(3, 4))));
        wm.stubFor(get(urlPathEqualTo("/o")).withQueryParam("offset", equalTo("4")).willReturn(okJson("[]")));
        try (Source s = open(map("url", url("/o"), "key", "id", "pagination", map("style", "offset", "limit", 2)))) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 4));
        }
    }

    /**
     * An API that caps the page size below the limit asked for (50 of 100 is common) returns only "short" pages: the
     * first short page used to end the read, so a run read one page and succeeded. A short page ends the list only
     * after a fuller one; an API that honours the limit still ends on its short last page without an extra request.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void offsetStyleReadsEveryPageOfAnApiThatCapsThePageSize(long seed) {
        java.util.Random random = new java.util.Random(seed);
        int limit = 5 + random.nextInt(10);
        int cap = seed % 3 == 0 ? limit : 1 + random.nextInt(limit - 1); // every third API honours the limit
        int total = 1 + random.nextInt(60);
        wm.resetAll();
        for (int off = 0; off <= total + cap; off++) {
            String page = off >= total ? "[]" : items(off + 1, Math.min(off + cap, total));
            wm.stubFor(get(urlPathEqualTo("/capped")).withQueryParam("offset", equalTo(String.valueOf(off))).willReturn(okJson(page)));
        }
        try (Source s = open(map("url", url("/capped"), "key", "id", "pagination", map("style", "offset", "limit", limit)))) {
            assertThat(rows(readAll(s, Optional.empty()))).as("limit %d, cap %d, %d records", limit, cap, total)
                    .containsExactlyElementsOf(expected(1, total));
            // the pages with records, then at most one empty page to be sure
            long pagesWithRecords = (total + cap - 1) / cap;
            assertThat((Long) s.stats().get("requests")).isBetween(pagesWithRecords, pagesWithRecords + 1);
        }
    }

    @Test
    void pageStyleCountsPagesUntilAnEmptyOne() {
        wm.stubFor(get(urlPathEqualTo("/p")).withQueryParam("p", equalTo("0")).withQueryParam("per_page", equalTo("2")).willReturn(okJson("{\"items\":" + items(1, 2) + "}")));
        wm.stubFor(get(urlPathEqualTo("/p")).withQueryParam("p", equalTo("1")).willReturn(okJson("{\"items\":" + items(3, 4) + "}")));
        wm.stubFor(get(urlPathEqualTo("/p")).withQueryParam("p", equalTo("2")).willReturn(okJson("{\"items\":" + items(5, 5) + "}")));
        wm.stubFor(get(urlPathEqualTo("/p")).withQueryParam("p", equalTo("3")).willReturn(okJson("{\"items\":[]}")));
        Map<String, Object> cfg = map("url", url("/p"), "key", "id", "records", "/items",
                "pagination", map("style", "page", "pageParam", "p", "startPage", 0, "sizeParam", "per_page", "size", 2));
        try (Source s = open(cfg)) {
            List<Batch> batches = readAll(s, Optional.empty());
            assertThat(rows(batches)).containsExactlyElementsOf(expected(1, 5));
            assertThat(batches).extracting(Batch::position).containsExactly("next:1", "next:2", "next:3");
            assertThat(s.stats()).containsEntry("requests", 4L);
            assertThat(rows(readAll(s, Optional.of("next:2")))).containsExactlyElementsOf(expected(5, 5));
        }
    }

    @Test
    void noPaginationReadsOneRootArrayAndInfersTypesIncludingNested() {
        wm.stubFor(get(urlEqualTo("/all")).willReturn(okJson("""
                [{"id": 1, "price": 1.50, "ok": true, "at": "2026-01-01T10:00:00Z", "tags": ["a"], "customer": {"id": 7}},
                 {"id": 2, "price": 2, "ok": false, "at": "2026-01-02T10:00:00+02:00", "tags": [], "customer": null},
                 {"id": 3, "price": null, "ok": null, "at": null, "tags": null, "customer": {"id": 8}, "gone": null}]""")));
        try (Source s = open(map("url", url("/all"), "key", "id"))) {
            assertThat(s.schema().names()).containsExactly("id", "price", "ok", "at", "tags", "customer", "gone");
            assertThat(s.schema().columns()).extracting(c -> c.type()).containsExactly(ColumnType.BIGINT, ColumnType.DECIMAL,
                    ColumnType.BOOLEAN, ColumnType.TIMESTAMPTZ, ColumnType.JSON, ColumnType.JSON, ColumnType.STRING);
            List<Batch> batches = readAll(s, Optional.empty());
            assertThat(batches).hasSize(1);
            assertThat(batches.get(0).position()).isEqualTo("end");
            Object[] first = batches.get(0).rows().get(0);
            assertThat(first[0]).isEqualTo(1L);
            assertThat(first[1]).isEqualTo(new BigDecimal("1.50"));
            assertThat(first[5]).isEqualTo("{\"id\":7}");
        }
    }

    @Test
    void declaredColumnsReadNestedFieldsByDottedPath() {
        wm.stubFor(get(urlEqualTo("/n")).willReturn(okJson("""
                {"data": {"items": [{"id": "10", "customer": {"id": 7, "name": "Ann"}, "amount": "12.30"}]}}""")));
        try (Source s = open(map("url", url("/n"), "key", "id", "records", "/data/items",
                "columns", map("id", "bigint", "customer.id", "bigint", "customer.name", "string", "amount", "decimal(12,2)")))) {
            assertThat(s.schema().names()).containsExactly("id", "customer_id", "customer_name", "amount");
            assertThat(rows(readAll(s, Optional.empty()))).containsExactly("[10, 7, Ann, 12.30]");
        }
    }

    @Test
    void incrementalRunsSendTheHighWaterMarkAndPostBodiesFillPlaceholders() {
        wm.stubFor(post(urlPathEqualTo("/search")).withQueryParam("updated_since", equalTo("2025-12-31T00:00:00Z"))
                .withRequestBody(equalToJson("{\"from\": 0, \"size\": 2, \"since\": \"2025-12-31T00:00:00Z\"}"))
                .willReturn(okJson("{\"hits\":" + items(1, 2) + "}")));
        wm.stubFor(post(urlPathEqualTo("/search")).withRequestBody(equalToJson("{\"from\": 2, \"size\": 2, \"since\": \"2025-12-31T00:00:00Z\"}"))
                .willReturn(okJson("{\"hits\":" + items(3, 3) + "}")));
        Map<String, Object> cfg = map("url", url("/search"), "method", "POST", "key", "id", "records", "/hits",
                "cursor", "updated_at", "cursorParam", "updated_since",
                "columns", map("id", "bigint", "name", "string", "updated_at", "timestamptz"),
                "body", map("from", "{{offset}}", "size", "{{limit}}", "since", "{{cursor}}"),
                "pagination", map("style", "offset", "offsetParam", "offset", "limit", 2));
        try (Source s = open(cfg)) {
            var spec = new dev.ferry.spi.ReadSpec(List.of("id"), Optional.of("updated_at"), Optional.of("2025-12-31T00:00:00Z"), Optional.empty(), 100);
            assertThat(s.plan(spec).cursorTo()).hasValue("2026-01-01T00:00:00Z");
            assertThat(rows(readAll(s, spec, Optional.empty()))).containsExactly("[1, r1, null]", "[2, r2, null]", "[3, r3, null]");
        }
    }
}

package dev.ferry.server.service;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HostGuardTest {
    static List<String> check(boolean allowPrivate, Map<String, Object> source) {
        return new HostGuard(allowPrivate).check(Map.of("source", source));
    }

    static List<String> url(boolean allowPrivate, String url) {
        return check(allowPrivate, Map.of("url", url));
    }

    @Test
    void linkLocalAndMetadataAreAlwaysRefused() {
        for (boolean allow : new boolean[]{false, true}) {
            assertThat(url(allow, "jdbc:postgresql://169.254.169.254:5432/db")).singleElement().asString().contains("link-local");
            assertThat(url(allow, "http://169.254.10.1/x")).singleElement().asString().contains("link-local");
            assertThat(url(allow, "https://metadata.google.internal/computeMetadata/v1/")).singleElement().asString().contains("metadata");
            assertThat(url(allow, "http://[fe80::1]/")).singleElement().asString().contains("link-local");
            assertThat(url(allow, "http://0.0.0.0:8080/")).isNotEmpty();
        }
    }

    @Test
    void loopbackAndPrivateRangesOnlyWhenAllowed() {
        for (String u : List.of("jdbc:postgresql://127.0.0.1:5432/test", "jdbc:mariadb://10.1.2.3/db", "http://192.168.1.5/api",
                "https://172.16.0.9/", "mongodb://localhost:27017", "http://[::1]:80/", "http://100.64.1.1/")) {
            assertThat(url(false, u)).as(u).singleElement().asString().contains("FERRY_ALLOW_PRIVATE_HOSTS");
            assertThat(url(true, u)).as(u).isEmpty();
        }
        assertThat(url(false, "https://8.8.8.8/data.csv")).isEmpty();
    }

    @Test
    void driverPropertiesCredentialsInUrlsOtherSchemesAndLocalFilesAreRefused() {
        assertThat(url(true, "jdbc:postgresql://127.0.0.1/test?socketFactory=x")).singleElement().asString().contains("driver properties");
        assertThat(url(true, "jdbc:mariadb://127.0.0.1/test;allowLoadLocalInfile=true")).singleElement().asString().contains("driver properties");
        assertThat(url(true, "jdbc:postgresql://u:p@127.0.0.1/test")).singleElement().asString().contains("credentials");
        assertThat(url(true, "file:///etc/passwd")).singleElement().asString().contains("scheme");
        assertThat(url(true, "jdbc:h2:mem:x;INIT=RUNSCRIPT FROM 'http://x/evil.sql'")).singleElement().asString().contains("INIT");
        assertThat(url(false, "jdbc:h2:file:/var/lib/x")).singleElement().asString().contains("H2");
        assertThat(check(false, Map.of("type", "csv", "path", "/etc/passwd"))).singleElement().asString().startsWith("source.path:");
        assertThat(check(true, Map.of("type", "csv", "path", "data.csv"))).isEmpty();
        List<String> nested = new ArrayList<>(check(false, Map.of("auth", Map.of("tokenUrl", "http://127.0.0.1/token"))));
        assertThat(nested).singleElement().asString().startsWith("source.auth.tokenUrl:");
    }

    @Test
    void theSidesOfABidirectionalSyncAreCheckedToo() {
        List<String> p = new HostGuard(false).check(Map.of("direction", "bidirectional",
                "a", Map.of("url", "jdbc:postgresql://10.0.0.5:5432/crm"), "b", Map.of("url", "jdbc:mariadb://169.254.169.254/erp")));
        assertThat(p).hasSize(2);
        assertThat(p.get(0)).startsWith("a.url:").contains("FERRY_ALLOW_PRIVATE_HOSTS");
        assertThat(p.get(1)).startsWith("b.url:").contains("link-local");
    }
}

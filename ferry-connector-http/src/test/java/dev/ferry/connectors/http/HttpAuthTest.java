package dev.ferry.connectors.http;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ferry.spi.Source;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpAuthTest extends HttpTestSupport {

    private Map<String, Object> offsetCfg(String path, Map<String, Object> auth) {
        return map("url", url(path), "key", "id", "auth", auth, "pagination", map("style", "offset", "limit", 2));
    }

    private void threePages(String path, com.github.tomakehurst.wiremock.matching.StringValuePattern authHeader, String headerName) {
        for (int off = 0; off <= 4; off += 2) {
            var m = get(urlPathEqualTo(path)).withQueryParam("offset", equalTo(String.valueOf(off)));
            if (authHeader != null) m = m.withHeader(headerName, authHeader);
            wm.stubFor(m.willReturn(okJson(items(off + 1, Math.min(off + 2, 5)))));
        }
    }

    @Test
    void bearerTokenGoesInTheAuthorizationHeader() {
        threePages("/b", equalTo("Bearer s3cr3t-bearer"), "Authorization");
        try (Source s = open(offsetCfg("/b", map("type", "bearer", "token", "s3cr3t-bearer")))) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 5));
        }
    }

    @Test
    void basicAuthEncodesUserAndPassword() {
        threePages("/basic", equalTo("Basic dXNlcjpwQHNz"), "Authorization"); // user:p@ss
        try (Source s = open(offsetCfg("/basic", map("type", "basic", "user", "user", "password", "p@ss")))) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 5));
        }
    }

    @Test
    void apiKeyInAHeader() {
        threePages("/kh", equalTo("k-123456"), "X-API-Key");
        try (Source s = open(offsetCfg("/kh", map("type", "api_key", "name", "X-API-Key", "value", "k-123456")))) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 5));
        }
    }

    @Test
    void apiKeyInTheQueryIsSentButNeverShown() {
        for (int off = 0; off <= 4; off += 2) {
            wm.stubFor(get(urlPathEqualTo("/kq")).withQueryParam("api_key", equalTo("k-654321")).withQueryParam("offset", equalTo(String.valueOf(off)))
                    .willReturn(okJson(items(off + 1, Math.min(off + 2, 5)))));
        }
        try (Source s = open(offsetCfg("/kq", map("type", "api_key", "name", "api_key", "value", "k-654321", "in", "query")))) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 5));
        }
        wm.stubFor(get(urlPathEqualTo("/kq404")).willReturn(aResponse().withStatus(404).withBody("no such thing")));
        try (Source s = open(offsetCfg("/kq404", map("type", "api_key", "name", "api_key", "value", "k-654321", "in", "query")))) {
            assertThatThrownBy(() -> readAll(s, Optional.empty())).isInstanceOf(SyncException.class)
                    .hasMessageContaining("HTTP 404").hasMessageContaining("api_key=***").hasMessageNotContaining("k-654321");
        }
    }

    private void tokenEndpoint(String grant, String token, long expiresIn) {
        wm.stubFor(post(urlEqualTo("/oauth/token")).withRequestBody(containing("grant_type=" + grant))
                .willReturn(okJson("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}")));
    }

    @Test
    void clientCredentialsFetchesOneTokenAndReusesIt() {
        tokenEndpoint("client_credentials", "tok-cc", 3600);
        threePages("/cc", equalTo("Bearer tok-cc"), "Authorization");
        Map<String, Object> auth = map("type", "oauth2_client_credentials", "tokenUrl", url("/oauth/token"),
                "clientId", "app", "clientSecret", "cs-secret", "scope", "read");
        try (Source s = open(offsetCfg("/cc", auth))) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 5));
            assertThat(s.stats()).containsEntry("tokenRequests", 1L);
        }
        wm.verify(1, postRequestedFor(urlEqualTo("/oauth/token"))
                .withRequestBody(containing("client_id=app")).withRequestBody(containing("client_secret=cs-secret"))
                .withRequestBody(containing("scope=read")));
    }

    @Test
    void passwordGrantSendsUserAndPassword() {
        tokenEndpoint("password", "tok-pw", 3600);
        threePages("/pw", equalTo("Bearer tok-pw"), "Authorization");
        Map<String, Object> auth = map("type", "oauth2_password", "tokenUrl", url("/oauth/token"),
                "clientId", "app", "clientSecret", "cs-secret", "username", "ann", "password", "pw-secret");
        try (Source s = open(offsetCfg("/pw", auth))) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 5));
        }
        wm.verify(1, postRequestedFor(urlEqualTo("/oauth/token"))
                .withRequestBody(containing("username=ann")).withRequestBody(containing("password=pw-secret")));
    }

    @Test
    void ionApiFileGivesTokenUrlCredentialsAndTheBaseForARelativeUrl(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("backend.ionapi");
        Files.writeString(file, """
                {"ti": "ACME_TST", "cn": "ferry", "dt": "12", "ci": "ACME_TST~abc", "cs": "ion-client-secret",
                 "iu": "%s", "pu": "%s", "oa": "authorization.oauth2", "ot": "token.oauth2", "or": "revoke_token.oauth2",
                 "ev": "U1", "v": "1.0", "saak": "ACME_TST#sa-key", "sask": "ion-sa-secret"}
                """.formatted(url(""), url("/ACME_TST/as/")));
        wm.stubFor(post(urlEqualTo("/ACME_TST/as/token.oauth2")).withRequestBody(containing("grant_type=password"))
                .willReturn(okJson("{\"access_token\":\"tok-ion\",\"expires_in\":7200}")));
        wm.stubFor(get(urlPathEqualTo("/ACME_TST/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber")).withHeader("Authorization", equalTo("Bearer tok-ion"))
                .willReturn(okJson("{\"results\":[{\"records\":" + items(1, 3) + "}]}")));
        Map<String, Object> cfg = map("url", "M3/m3api-rest/v2/execute/CRS610MI/LstByNumber", "key", "id",
                "records", "/results/0/records", "auth", map("type", "ionapi", "file", file.toString()));
        try (Source s = open(cfg)) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 3));
        }
        wm.verify(postRequestedFor(urlEqualTo("/ACME_TST/as/token.oauth2"))
                .withRequestBody(containing("username=ACME_TST%23sa-key")).withRequestBody(containing("password=ion-sa-secret"))
                .withRequestBody(containing("client_id=ACME_TST%7Eabc")).withRequestBody(containing("client_secret=ion-client-secret")));
    }

    @Test
    void aTokenThatExpiresMidRunIsRefreshedBeforeTheNextRequest() {
        wm.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tok").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"access_token\":\"tok-1\",\"expires_in\":300}")).willSetStateTo("second"));
        wm.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tok").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"tok-2\",\"expires_in\":300}")));
        wm.stubFor(get(urlPathEqualTo("/exp")).withQueryParam("offset", equalTo("0")).withHeader("Authorization", equalTo("Bearer tok-1"))
                .willReturn(okJson(items(1, 2))));
        wm.stubFor(get(urlPathEqualTo("/exp")).withQueryParam("offset", equalTo("2")).withHeader("Authorization", equalTo("Bearer tok-1"))
                .willReturn(okJson(items(3, 4))));
        wm.stubFor(get(urlPathEqualTo("/exp")).withQueryParam("offset", equalTo("4")).withHeader("Authorization", equalTo("Bearer tok-2"))
                .willReturn(okJson(items(5, 5))));
        Map<String, Object> auth = map("type", "oauth2_client_credentials", "tokenUrl", url("/oauth/token"), "clientId", "app", "clientSecret", "x-secret");
        try (Source s = open(offsetCfg("/exp", auth)); var reader = s.open(spec(), Optional.empty())) {
            assertThat(reader.next()).isPresent();
            clock.advance(Duration.ofSeconds(200)); // 100 s left: outside the 60 s margin, the token is reused
            assertThat(reader.next()).isPresent();
            clock.advance(Duration.ofSeconds(50)); // 50 s left: refreshed early
            assertThat(rows(List.of(reader.next().orElseThrow()))).containsExactlyElementsOf(expected(5, 5));
            assertThat(reader.next()).isEmpty();
            assertThat(s.stats()).containsEntry("tokenRequests", 2L).containsEntry("authRefreshes", 0L);
        }
    }

    @Test
    void a401MidRunFetchesANewTokenOnceAndRetriesThatRequest() {
        wm.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tok").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"access_token\":\"tok-1\",\"expires_in\":3600}")).willSetStateTo("second"));
        wm.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tok").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"tok-2\",\"expires_in\":3600}")));
        wm.stubFor(get(urlPathEqualTo("/r")).withHeader("Authorization", equalTo("Bearer tok-1"))
                .withQueryParam("offset", equalTo("0")).willReturn(okJson(items(1, 2))));
        wm.stubFor(get(urlPathEqualTo("/r")).withHeader("Authorization", equalTo("Bearer tok-1"))
                .withQueryParam("offset", equalTo("2")).willReturn(aResponse().withStatus(401).withBody("{\"error\":\"token revoked\"}")));
        wm.stubFor(get(urlPathEqualTo("/r")).withHeader("Authorization", equalTo("Bearer tok-2"))
                .withQueryParam("offset", equalTo("2")).willReturn(okJson(items(3, 4))));
        wm.stubFor(get(urlPathEqualTo("/r")).withHeader("Authorization", equalTo("Bearer tok-2"))
                .withQueryParam("offset", equalTo("4")).willReturn(okJson(items(5, 5))));
        Map<String, Object> auth = map("type", "oauth2_client_credentials", "tokenUrl", url("/oauth/token"), "clientId", "app", "clientSecret", "x-secret");
        try (Source s = open(offsetCfg("/r", auth))) {
            assertThat(rows(readAll(s, Optional.empty()))).containsExactlyElementsOf(expected(1, 5));
            assertThat(s.stats()).containsEntry("tokenRequests", 2L).containsEntry("authRefreshes", 1L);
        }
    }

    @Test
    void aSecond401IsAnErrorNamingSourceAuth() {
        wm.stubFor(post(urlEqualTo("/oauth/token")).willReturn(okJson("{\"access_token\":\"tok-x\",\"expires_in\":3600}")));
        wm.stubFor(get(urlPathEqualTo("/deny")).willReturn(aResponse().withStatus(401).withBody("nope")));
        Map<String, Object> auth = map("type", "oauth2_client_credentials", "tokenUrl", url("/oauth/token"), "clientId", "app", "clientSecret", "x-secret");
        try (Source s = open(offsetCfg("/deny", auth))) {
            assertThatThrownBy(() -> readAll(s, Optional.empty())).isInstanceOf(SyncException.class)
                    .hasMessageContaining("HTTP 401").hasMessageContaining("source.auth")
                    .hasMessageNotContaining("x-secret").hasMessageNotContaining("tok-x");
            assertThat(s.stats()).containsEntry("tokenRequests", 2L);
        }
    }

    @Test
    void aFailedTokenRequestNamesTheTokenUrlAndTheFixWithoutSecrets() {
        wm.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"invalid_client\",\"echo\":\"x-secret\"}")));
        wm.stubFor(get(urlPathEqualTo("/t")).willReturn(okJson("[]")));
        Map<String, Object> auth = map("type", "oauth2_password", "tokenUrl", url("/oauth/token"), "clientId", "app",
                "clientSecret", "x-secret", "username", "ann", "password", "pw-secret");
        try (Source s = open(offsetCfg("/t", auth))) {
            assertThatThrownBy(() -> readAll(s, Optional.empty())).isInstanceOf(SyncException.class)
                    .hasMessageContaining(url("/oauth/token")).hasMessageContaining("invalid_client")
                    .hasMessageContaining("clientSecret").hasMessageNotContaining("x-secret").hasMessageNotContaining("pw-secret");
        }
    }
}

package dev.ferry.server.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.ferry.server.FerryServer;
import dev.ferry.server.service.SyncService;
import dev.ferry.server.service.TenantService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (Debian's chromium driven by Playwright) against the server on a random port, with
 * PostgreSQL source and destination tables in the dash_* schemas.
 */
@SpringBootTest(classes = FerryServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ferry.state=jdbc:h2:mem:dash_ui_state;DB_CLOSE_DELAY=-1",
        "ferry.admin-token=dash-admin-token",
        "ferry.secret-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "ferry.allow-private-hosts=true",
        "ferry.events-interval=100ms",
        // a run without change for 3 s is shown stalled (the stall test); the lease's heartbeat keeps well inside that
        "ferry.lease-timeout=3s",
        "ferry.engine-heartbeat=500ms",
        "db-scheduler.polling-interval=100ms"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    static final int BIG = 200_000;
    static final int POISON_ROWS = 3000;
    static final Path SHOTS = Paths.get("target", "screenshots");

    @LocalServerPort
    int port;
    @Autowired
    TenantService tenants;
    @Autowired
    SyncService syncs;
    @Autowired
    dev.ferry.core.Connectors connectors;
    /** Batches the stalling source has handed out: the 3rd one takes {@link #STALL_MILLIS}. */
    final java.util.concurrent.atomic.AtomicInteger stallingBatches = new java.util.concurrent.atomic.AtomicInteger();
    static final long STALL_MILLIS = 8000;

    Playwright playwright;
    Browser browser;
    String acme;
    String other;
    String acmeId;

    @BeforeAll
    void setUp() throws Exception {
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS dash_src CASCADE");
            st.execute("DROP SCHEMA IF EXISTS dash_dst CASCADE");
            st.execute("CREATE SCHEMA dash_src");
            st.execute("CREATE SCHEMA dash_dst");
            st.execute("CREATE TABLE dash_src.big (id INT PRIMARY KEY, name TEXT NOT NULL, v INT NOT NULL)");
            st.execute("INSERT INTO dash_src.big SELECT g, 'row-' || g, g % 1000 FROM generate_series(1, " + BIG + ") g");
            st.execute("CREATE TABLE dash_src.poison (id INT PRIMARY KEY, name TEXT NOT NULL, v INT NOT NULL)");
            st.execute("INSERT INTO dash_src.poison SELECT g, 'p-' || g, CASE WHEN g % 1000 = 7 THEN -1 ELSE g END FROM generate_series(1, "
                    + POISON_ROWS + ") g");
            // the destination refuses negative values: 3 poison rows (7, 1007, 2007) go to the dead letters
            st.execute("CREATE TABLE dash_dst.poison (id INT PRIMARY KEY, name TEXT NOT NULL, v INT NOT NULL CONSTRAINT dash_v_positive CHECK (v >= 0))");
            st.execute("ANALYZE dash_src.big");
            for (String side : List.of("dash_src", "dash_dst")) {
                st.execute("CREATE TABLE " + side + ".contacts (id INT PRIMARY KEY, name TEXT, phone TEXT)");
                st.execute("INSERT INTO " + side + ".contacts SELECT g, 'person-' || g, '555-' || g FROM generate_series(1, 50) g");
            }
        }
        // fake sources: one fails twice with a transient error (retried), one stops moving for a while (stalled)
        dev.ferry.testkit.FakeSource flaky = new dev.ferry.testkit.FakeSource().putAll(new dev.ferry.testkit.RowGenerator(3).rows(400));
        flaky.failOnNext(2, 2, dev.ferry.testkit.Failure.RETRIABLE);
        dev.ferry.testkit.FakeSource stalling = new dev.ferry.testkit.FakeSource().putAll(new dev.ferry.testkit.RowGenerator(5).rows(600));
        stalling.onBatch(b -> {
            if (stallingBatches.incrementAndGet() == 3) {
                try {
                    Thread.sleep(STALL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        connectors.add(new dev.ferry.testkit.FakeSourceFactory().register("flaky", flaky).register("stalling", stalling));
        TenantService.Issued a = tenants.create("dash-acme");
        acme = a.token();
        acmeId = a.tenant().id();
        other = tenants.create("dash-other").token();
        // small batches: on a quiet machine 200k rows in batches of 4,000 finish in ~1 s, too fast to watch rise
        syncs.create(acmeId, sync("big-table", "dash_src.big", "dash_dst.big", 200));
        syncs.create(acmeId, sync("cancel-me", "dash_src.big", "dash_dst.big_cancel", 500));
        syncs.create(acmeId, sync("poison", "dash_src.poison", "dash_dst.poison", 1000));
        Map<String, Object> scheduled = sync("scheduled", "dash_src.poison", "dash_dst.scheduled", 1000);
        scheduled.put("schedule", Map.of("every", "12h"));
        syncs.create(acmeId, scheduled);
        syncs.create(acmeId, fake("flaky", "dash_dst.flaky"));
        syncs.create(acmeId, fake("stalling", "dash_dst.stalling"));
        Map<String, Object> cooled = sync("cooled", "dash_src.poison", "dash_dst.cooled", 1000);
        cooled.put("cooldown", "1h");
        syncs.create(acmeId, cooled);
        Map<String, Object> contacts = new LinkedHashMap<>();
        contacts.put("name", "contacts");
        contacts.put("direction", "bidirectional");
        contacts.put("a", Map.of("type", "postgres", "url", PG, "user", "postgres", "table", "dash_src.contacts", "key", List.of("id")));
        contacts.put("b", Map.of("type", "postgres", "url", PG, "user", "postgres", "table", "dash_dst.contacts", "key", List.of("id")));
        contacts.put("conflicts", Map.of("strategy", "manual"));
        syncs.create(acmeId, contacts);
        Files.createDirectories(SHOTS);
        Path chromium = Paths.get(System.getProperty("ferry.chromium", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            throw new IllegalStateException(chromium + " is missing: install Debian's chromium with `apt-get install -y chromium` "
                    + "(or point -Dferry.chromium=PATH at a Chromium binary)");
        }
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(chromium)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking"))
                .setHeadless(true));
    }

    @AfterAll
    void tearDown() {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
    }

    static Connection pg() throws SQLException {
        try {
            return DriverManager.getConnection(PG, "postgres", "");
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL at 127.0.0.1:5432 is not answering; start it with: "
                    + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", e);
        }
    }

    static Map<String, Object> sync(String name, String from, String to, int batch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("source", new LinkedHashMap<>(Map.of("type", "postgres", "url", PG, "user", "postgres", "password", "not-needed-trust",
                "table", from, "key", List.of("id"))));
        m.put("destination", new LinkedHashMap<>(Map.of("type", "postgres", "url", PG, "user", "postgres", "table", to)));
        m.put("batch", Map.of("size", batch));
        return m;
    }

    static Map<String, Object> fake(String name, String to) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("source", Map.of("type", "fake", "name", name, "table", name, "key", List.of("id")));
        m.put("destination", Map.of("type", "postgres", "url", PG, "user", "postgres", "table", to));
        m.put("batch", Map.of("size", 100));
        m.put("retry", Map.of("initialDelay", "10ms", "maxDelay", "50ms"));
        return m;
    }

    static final com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions A_MINUTE =
            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000);

    /** Run now on the syncs page, then wait on the run page for it to succeed. */
    void runNow(Page page, String sync) {
        page.navigate(base() + "/ui/syncs");
        card(page, sync).getByTestId("btn-run-now").click();
        page.waitForURL("**/ui/runs/**");
        assertThat(page.getByTestId("run-status")).hasText("succeeded", A_MINUTE);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    Page login(String token) {
        BrowserContext ctx = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 900));
        Page page = ctx.newPage();
        page.setDefaultTimeout(30_000);
        page.navigate(base() + "/ui/syncs");
        assertThat(page).hasURL(base() + "/ui/login"); // not logged in: sent to the login page
        page.getByLabel("Tenant API token").fill(token);
        page.getByTestId("btn-login").click();
        assertThat(page).hasURL(base() + "/ui/syncs");
        return page;
    }

    Locator card(Page page, String name) {
        return page.locator("[data-testid=sync-row][data-sync-name='" + name + "']");
    }

    /** Every visible text's colour against its nearest opaque background: at least 4.5:1 (WCAG AA). */
    static void assertContrast(Page page) {
        @SuppressWarnings("unchecked")
        List<Object> result = (List<Object>) page.evaluate("""
                () => {
                  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
                  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
                  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3); } return [255, 255, 255]; };
                  const out = [];
                  let checked = 0;
                  for (const el of document.querySelectorAll('body *')) {
                    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                    if (!own || el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;
                    if (el.closest('.sr-only') || el.closest('.skip')) continue;
                    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(bg(el));
                    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                    checked++;
                    if (!(ratio >= 4.5)) out.push(el.tagName + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
                  }
                  out.unshift(checked);
                  return out;
                }""");
        assertThat(((Number) result.get(0)).intValue()).as("texts checked on " + page.url()).isGreaterThan(3);
        assertThat(result.subList(1, result.size())).as("text below 4.5:1 contrast on " + page.url()).isEmpty();
    }

    void shot(Page page, String name) {
        assertContrast(page);
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
    }

    @Test
    void bigTableRunIsWatchedLiveToOneHundredPercent() {
        Page page = login(acme);
        // every value the percent element shows, recorded in the page from its first paint (no polling gaps)
        page.addInitScript("""
                window.__ferryLoadedAt = Date.now();
                window.__percents = [];
                document.addEventListener('DOMContentLoaded', () => {
                  const seen = () => { const e = document.querySelector('[data-testid=run-percent]'); if (e) window.__percents.push(e.textContent); };
                  seen();
                  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true, characterData: true});
                });""");
        card(page, "big-table").getByTestId("btn-run-now").click();
        page.waitForURL("**/ui/runs/**");
        Object loadedAt = page.evaluate("window.__ferryLoadedAt");
        assertThat(page.getByTestId("run-status")).hasText("succeeded", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(120_000));
        assertThat(page.evaluate("window.__ferryLoadedAt")).as("the page was not reloaded").isEqualTo(loadedAt);
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) page.evaluate("window.__percents");
        List<Double> rising = new ArrayList<>();
        for (String s : seen) {
            if (!s.endsWith("%")) continue;
            double v = Double.parseDouble(s.replace("%", "").trim());
            if (rising.isEmpty() || v > rising.get(rising.size() - 1)) rising.add(v);
        }
        assertThat(rising).as("percent values shown: " + seen).hasSizeGreaterThanOrEqualTo(4); // a first value and 3 rises
        assertThat(page.getByTestId("run-percent")).hasText("100.0 %");
        assertThat(page.getByTestId("run-phase")).hasText("done");
        assertThat(page.getByTestId("counter-total")).hasText("200,000");
        assertThat(page.getByTestId("counter-processed")).hasText("200,000");
        assertThat(page.getByTestId("counter-inserted")).hasText("200,000");
        assertThat(page.getByTestId("counter-updated")).hasText("0");
        assertThat(page.getByTestId("counter-failed")).hasText("0");
        assertThat(page.getByTestId("btn-cancel")).isDisabled();
        assertThat(page.getByTestId("timeline-completed")).containsText("succeeded");
        assertThat(page.getByTestId("timeline-batch").first()).isVisible();
        shot(page, "run");

        page.navigate(base() + "/ui/syncs");
        assertThat(card(page, "big-table").getByTestId("last-run-status")).hasText("succeeded");
        shot(page, "syncs");
        card(page, "big-table").getByTestId("link-history").click();
        assertThat(page.getByTestId("history-row")).hasCount(1);
        assertThat(page.getByTestId("history-chart")).hasAttribute("data-drawn", "true");
        assertThat(page.locator("#history-chart canvas")).hasCount(1);
        page.getByLabel("Status").selectOption("failed");
        page.getByTestId("btn-filter").click();
        assertThat(page.getByTestId("history-row")).hasCount(0);
        page.getByLabel("Status").selectOption("succeeded");
        page.getByTestId("btn-filter").click();
        assertThat(page.getByTestId("history-row")).hasCount(1);
        shot(page, "history");
        page.context().close();
    }

    @Test
    void poisonRowsAreDeadLetteredThenReplayedAfterTheDestinationIsFixed() throws Exception {
        Page page = login(acme);
        card(page, "poison").getByTestId("btn-run-now").click();
        page.waitForURL("**/ui/runs/**");
        assertThat(page.getByTestId("run-status")).hasText("partial", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
        assertThat(page.getByTestId("counter-failed")).hasText("3");
        assertThat(page.getByTestId("counter-inserted")).hasText(String.format("%,d", POISON_ROWS - 3));
        page.getByTestId("link-dead-letters").click();
        assertThat(page.getByTestId("dead-letter")).hasCount(3);
        assertThat(page.getByTestId("dl-key")).containsText(new String[]{"7", "1007", "2007"});
        assertThat(page.getByTestId("dl-reason").first()).containsText("dash_v_positive");
        assertThat(page.getByTestId("dl-payload").first()).containsText("\"v\" : \"-1\"");
        shot(page, "dead-letters");

        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE dash_dst.poison DROP CONSTRAINT dash_v_positive");
        }
        // replay one selected letter first: the run stays partial with two left
        page.getByLabel("Select dead letter with key 7", new Page.GetByLabelOptions().setExact(true)).check();
        page.getByTestId("btn-replay-selected").click();
        assertThat(page.getByTestId("notice")).containsText("replayed 1 dead letters: 1 landed");
        assertThat(page.getByTestId("dead-letter")).hasCount(2);
        assertThat(page.getByTestId("run-status")).hasText("partial");
        page.getByTestId("btn-replay-all").click();
        assertThat(page.getByTestId("notice")).containsText("2 landed");
        assertThat(page.getByTestId("run-status")).hasText("succeeded");
        assertThat(page.getByTestId("no-dead-letters")).isVisible();
        page.locator("h1 a").click();
        assertThat(page.getByTestId("run-status")).hasText("succeeded");
        assertThat(page.getByTestId("counter-failed")).hasText("0");
        try (Connection c = pg(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM dash_dst.poison")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(POISON_ROWS);
        }
        // a full refresh reads everything again and rewrites nothing that is unchanged
        page.navigate(base() + "/ui/syncs");
        card(page, "poison").getByTestId("btn-full-refresh").click();
        page.waitForURL("**/ui/runs/**");
        assertThat(page.getByTestId("run-status")).hasText("succeeded", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
        assertThat(page.getByTestId("counter-processed")).hasText(String.format("%,d", POISON_ROWS));
        assertThat(page.getByTestId("counter-unchanged")).hasText(String.format("%,d", POISON_ROWS));
        page.context().close();
    }

    @Test
    void aSecondTenantSeesNoneOfTheFirstTenantsSyncs() {
        Page mine = login(acme);
        assertThat(mine.getByTestId("sync-row")).hasCount(8);
        String someRun = base() + "/ui/syncs/" + syncs.list(acmeId).get(0).id() + "/history";
        mine.context().close();

        Page page = login(other);
        page.keyboard().press("Tab"); // keyboard users land on the skip link first
        assertThat(page.locator(":focus")).hasText("Skip to content");
        assertThat(page.getByTestId("tenant-name")).containsText("dash-other");
        assertThat(page.getByTestId("sync-row")).hasCount(0);
        assertThat(page.getByTestId("no-syncs")).isVisible();
        for (String name : List.of("big-table", "cancel-me", "poison", "scheduled", "flaky", "stalling", "cooled", "contacts")) {
            assertThat(page.locator("body")).not().containsText(name);
        }
        var response = page.navigate(someRun);
        assertThat(response.status()).isEqualTo(404);
        assertThat(page.locator("body")).not().containsText("big-table");
        page.getByTestId("btn-logout").click();
        assertThat(page).hasURL(base() + "/ui/login");
        page.navigate(base() + "/ui/syncs");
        assertThat(page).hasURL(base() + "/ui/login");
        shot(page, "login");
        // the contrast check itself catches faint text
        page.setContent("<main><h1>Faint</h1><p style='color:#aaaaaa'>grey on white</p><p>one</p><p>two</p><p>three</p></main>");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertContrast(page)).hasMessageContaining("grey on white");
        page.context().close();
    }

    @Test
    void aRunningRunIsCancelled() throws Exception {
        Page page = login(acme);
        card(page, "cancel-me").getByTestId("btn-run-now").click();
        page.waitForURL("**/ui/runs/**");
        assertThat(page.getByTestId("run-status")).hasText("running");
        page.waitForCondition(() -> !page.getByTestId("counter-processed").textContent().equals("0"),
                new Page.WaitForConditionOptions().setTimeout(60_000));
        // while it runs, the syncs page refuses a second run of it and says why
        Page list = page.context().newPage();
        list.navigate(base() + "/ui/syncs");
        assertThat(card(list, "cancel-me").getByTestId("btn-run-now")).isDisabled();
        assertThat(card(list, "cancel-me").getByTestId("btn-run-now-reason")).containsText("is running");
        assertThat(card(list, "cancel-me").getByTestId("link-active-run")).isVisible();
        shot(list, "syncs-run-active");
        list.close();
        page.getByTestId("btn-cancel").click();
        assertThat(page.getByTestId("run-status")).hasText("cancelled", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
        long processed = Long.parseLong(page.getByTestId("counter-processed").textContent().replace(",", ""));
        assertThat(processed).isGreaterThan(0).isLessThan(BIG);
        assertThat(page.getByTestId("btn-retry")).isEnabled();
        assertThat(page.getByTestId("btn-cancel")).isDisabled();
        shot(page, "run-cancelled");
        page.context().close();
    }

    @Test
    void editFormShowsEachProblemAtItsFieldAndKeepsSecretsMasked() {
        Page page = login(acme);
        card(page, "poison").getByTestId("link-edit").click();
        Locator password = page.getByTestId("field-source.password");
        assertThat(password).hasAttribute("type", "password");
        assertThat(password).hasValue(SyncService.MASK);
        assertThat(page.locator("body")).not().containsText("not-needed-trust");
        page.getByTestId("field-batch.size").fill("0");
        page.getByTestId("field-source.table").fill("");
        page.getByTestId("btn-save").click();
        assertThat(page.getByTestId("form-errors")).isVisible();
        assertThat(page.getByTestId("error-batch.size")).isVisible();
        assertThat(page.getByTestId("error-source.table")).isVisible();
        assertThat(page.getByTestId("field-batch.size")).hasAttribute("aria-invalid", "true");
        shot(page, "edit");
        page.getByTestId("field-batch.size").fill("1000");
        page.getByTestId("field-source.table").fill("dash_src.poison");
        page.getByTestId("btn-save").click();
        assertThat(page.getByTestId("notice")).containsText("Saved poison");

        // pause and resume a schedule: kept in the definition, not fired while paused
        Locator sched = card(page, "scheduled");
        assertThat(sched.getByTestId("sync-schedule")).hasText("every 12 h 0 min");
        sched.getByTestId("btn-schedule-disable").click();
        assertThat(page.getByTestId("notice")).containsText("Paused the schedule of scheduled");
        assertThat(card(page, "scheduled").getByTestId("sync-schedule")).hasText("every 12h (paused)");
        assertThat(card(page, "scheduled").getByTestId("sync-next-run")).hasText("paused");
        card(page, "scheduled").getByTestId("btn-schedule-enable").click();
        assertThat(page.getByTestId("notice")).containsText("Resumed the schedule of scheduled");
        assertThat(card(page, "scheduled").getByTestId("sync-schedule")).hasText("every 12 h 0 min");
        assertThat(card(page, "scheduled").getByTestId("sync-next-run")).not().hasText("paused");

        // phone width: the syncs page still fits (no horizontal scrolling of the page)
        page.setViewportSize(375, 800);
        page.navigate(base() + "/ui/syncs");
        assertThat(page.getByTestId("btn-run-now").first()).isVisible();
        Object overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth");
        assertThat(overflow).isEqualTo(false);
        shot(page, "syncs-phone");
        page.context().close();
    }

    @Test
    void retriesShowTheirReasonsAndTheStoredTimelineIsTheSameAfterAReload() {
        Page page = login(acme);
        runNow(page, "flaky");
        assertThat(page.getByTestId("counter-inserted")).hasText("400");
        assertThat(page.getByTestId("run-retries")).hasText("2");
        assertThat(page.getByTestId("retry-count")).hasText("2");
        assertThat(page.getByTestId("run-retry-reason")).hasCount(2);
        assertThat(page.getByTestId("run-retry-reason").first()).containsText("retry 1: ");
        assertThat(page.getByTestId("run-retry-reason").first()).containsText("injected transient failure");
        assertThat(page.getByTestId("timeline-retry")).hasCount(2);
        assertThat(page.getByTestId("timeline-triggered")).containsText("triggered by dashboard");
        assertThat(page.getByTestId("timeline-completed")).containsText("ended succeeded");
        List<String> shown = page.locator("[data-testid=timeline] li").allTextContents();
        shot(page, "run-retries");
        page.reload();
        assertThat(page.getByTestId("timeline-completed")).isVisible();
        assertThat(page.locator("[data-testid=timeline] li").allTextContents()).as("the timeline after a reload").isEqualTo(shown);
        assertThat(page.getByTestId("run-retry-reason")).hasCount(2);
        page.context().close();
    }

    @Test
    void aRunThatStopsMovingIsShownStalledUntilItMovesAgain() {
        Page page = login(acme);
        card(page, "stalling").getByTestId("btn-run-now").click();
        page.waitForURL("**/ui/runs/**");
        assertThat(page.getByTestId("run-stalled")).containsText("no progress for",
                new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(STALL_MILLIS));
        assertThat(page.getByTestId("run-status")).hasText("running");
        assertThat(page.getByTestId("timeline-stalled")).containsText("time-out 3 s");
        shot(page, "run-stalled");
        assertThat(page.getByTestId("run-status")).hasText("succeeded", A_MINUTE);
        assertThat(page.getByTestId("run-stalled")).hasCount(0);
        assertThat(page.getByTestId("counter-inserted")).hasText("600");
        page.context().close();
    }

    @Test
    void runNowWaitsOutTheSyncsCooldownAndSaysWhy() throws Exception {
        Page page = login(acme);
        assertThat(card(page, "cooled").getByTestId("btn-run-now")).isEnabled();
        // first a preview: what the run would do, field by field, writing nothing
        card(page, "cooled").getByTestId("link-preview").click();
        assertThat(page.getByTestId("preview-summary")).containsText("Nothing was written");
        assertThat(page.getByTestId("preview-count-inserted")).hasText(String.format("%,d", POISON_ROWS));
        assertThat(page.getByTestId("preview-samples-inserted").getByTestId("preview-sample")).hasCount(5);
        assertThat(page.getByTestId("preview-diff").first()).containsText("(new)");
        shot(page, "preview");
        try (Connection c = pg(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'dash_dst' AND table_name = 'cooled'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the preview created no table").isZero();
        }
        runNow(page, "cooled");
        assertThat(page.getByTestId("counter-inserted")).hasText(String.format("%,d", POISON_ROWS));
        page.navigate(base() + "/ui/syncs");
        Locator cooled = card(page, "cooled");
        assertThat(cooled.getByTestId("sync-cooldown")).containsText("after a run ends");
        assertThat(cooled.getByTestId("btn-run-now")).isDisabled();
        assertThat(cooled.getByTestId("btn-full-refresh")).isDisabled();
        assertThat(cooled.getByTestId("btn-run-now-reason")).containsText("cooling down");
        assertThat(cooled.getByTestId("btn-run-now-reason")).containsText("may run again in");
        shot(page, "syncs-cooldown");
        page.context().close();
    }

    @Test
    void conflictsWaitingForAPersonAreDecidedOnTheirPageAndAppliedAtTheNextRun() throws Exception {
        Page page = login(acme);
        assertThat(card(page, "contacts").getByTestId("sync-route")).containsText("dash_src.contacts");
        runNow(page, "contacts"); // the base
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("UPDATE dash_src.contacts SET name = 'Ann (a)' WHERE id = 3");
            st.execute("UPDATE dash_dst.contacts SET name = 'Ann (b)' WHERE id = 3");
            st.execute("UPDATE dash_src.contacts SET phone = '555-aaaa' WHERE id = 5");
            st.execute("UPDATE dash_dst.contacts SET phone = '555-bbbb' WHERE id = 5");
        }
        page.navigate(base() + "/ui/syncs");
        card(page, "contacts").getByTestId("link-preview").click();
        assertThat(page.getByTestId("preview-count-conflicts")).hasText("2");
        runNow(page, "contacts");
        page.navigate(base() + "/ui/syncs");
        assertThat(card(page, "contacts").getByTestId("sync-pending-conflicts")).hasText("2");
        card(page, "contacts").getByTestId("link-conflicts").click();
        assertThat(page.getByTestId("conflict-row")).hasCount(2);
        Locator name = page.getByTestId("conflict-row").filter(new Locator.FilterOptions().setHasText("Ann (a)"));
        assertThat(name.getByTestId("conflict-field")).hasText("name");
        assertThat(name.getByTestId("conflict-base")).hasText("person-3");
        assertThat(name.getByTestId("conflict-a")).hasText("Ann (a)");
        assertThat(name.getByTestId("conflict-b")).hasText("Ann (b)");
        shot(page, "conflicts");
        name.getByTestId("btn-take-b").click();
        assertThat(page.getByTestId("notice")).containsText("resolved to 'Ann (b)'");
        assertThat(page.getByTestId("conflict-row")).hasCount(1);
        Locator phone = page.getByTestId("conflict-row");
        assertThat(phone.getByTestId("conflict-base")).hasText("555-5");
        phone.getByLabel("Other value for phone").fill("555-9999");
        phone.getByTestId("btn-set-value").click();
        assertThat(page.getByTestId("notice")).containsText("resolved to '555-9999'");
        assertThat(page.getByTestId("no-conflicts")).isVisible();
        assertThat(page.getByTestId("decided-row")).hasCount(2);
        try (Connection c = pg(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT name FROM dash_src.contacts WHERE id = 3")) {
            rs.next();
            assertThat(rs.getString(1)).as("applied at the next run, not before").isEqualTo("Ann (a)");
        }
        runNow(page, "contacts");
        try (Connection c = pg(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT a.name, b.name, a.phone, b.phone FROM dash_src.contacts a JOIN dash_dst.contacts b USING (id) "
                     + "WHERE id IN (3, 5) ORDER BY id")) {
            rs.next();
            assertThat(List.of(rs.getString(1), rs.getString(2))).containsOnly("Ann (b)");
            rs.next();
            assertThat(List.of(rs.getString(3), rs.getString(4))).containsOnly("555-9999");
        }
        page.navigate(base() + "/ui/syncs/" + syncs.list(acmeId).stream().filter(x -> x.name().equals("contacts")).findFirst().orElseThrow().id() + "/conflicts");
        assertThat(page.getByTestId("decided-status")).hasText(new String[]{"applied", "applied"});
        page.context().close();
    }

    @Test
    void formsWithoutTheCsrfTokenAreRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String syncId = syncs.list(acmeId).get(0).id();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/ui/syncs/" + syncId + "/runs"))
                .header("Cookie", WebAuthFilter.SESSION_COOKIE + "=" + acme)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("fullRefresh=true")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base() + "/ui/login")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).contains("HttpOnly").contains("SameSite=Strict"));
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base() + "/ui/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + acme)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).as("login without the form's CSRF cookie").isEqualTo(403);
    }
}

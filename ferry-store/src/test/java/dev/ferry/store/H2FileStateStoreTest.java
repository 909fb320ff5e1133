package dev.ferry.store;

import dev.ferry.core.Lease;
import dev.ferry.core.LeaseHeldException;
import dev.ferry.core.RunStatus;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on an H2 file in a fresh temp dir, plus what only the embedded default must do: be shared by processes. */
class H2FileStateStoreTest extends StateStoreContract {
    @TempDir
    static Path dir;

    @BeforeAll
    static void freshDirectory() {
        assertThat(dir).isEmptyDirectory();
    }

    @Override
    protected String url() {
        return "jdbc:h2:file:" + dir.resolve("state").toAbsolutePath();
    }

    @Test
    void createsTheFileAndItsFolderOnFirstOpen() {
        Path nested = dir.resolve("nested/.ferry/state");
        try (JdbcStateStore s = JdbcStateStore.open("jdbc:h2:file:" + nested.toAbsolutePath(), null, null)) {
            assertThat(s.history(Optional.empty(), 10)).isEmpty();
        }
        assertThat(Files.exists(dir.resolve("nested/.ferry/state.mv.db"))).isTrue();
    }

    @Test
    void reopeningKeepsEverything() {
        String sync = unique("sync");
        store.saveRun(run("run-keep-" + sync, sync, RunStatus.SUCCEEDED, Instant.parse("2025-01-01T00:00:00Z")));
        store.close();
        try (JdbcStateStore again = JdbcStateStore.open(url(), null, null)) {
            assertThat(again.findRun("run-keep-" + sync)).isPresent();
        }
    }

    /**
     * A `ferry run` in another process holds the file and the lease: this process can still open the store, read
     * it, and is refused the lease; once that process dies, its lease is taken over.
     */
    @Test
    void asecondProcessSharesTheFileAndTheLease() throws Exception {
        String resource = unique("h2:dst");
        String file = "jdbc:h2:file:" + dir.resolve("shared").toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LeaseHolderMain.class.getName(), file, resource, "run-child")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("HELD 1");

            try (JdbcStateStore here = JdbcStateStore.open(file, null, null)) {
                assertThatThrownBy(() -> here.acquireLease(resource, "run-here"))
                        .isInstanceOf(LeaseHeldException.class)
                        .hasMessageContaining("run-child")
                        .hasMessageContaining("pid " + holder.pid());
                assertThat(here.findRun("run-child")).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.RUNNING));

                holder.destroyForcibly();
                assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

                Lease taken = here.acquireLease(resource, "run-here");
                assertThat(taken.tookOverFrom()).contains("run-child");
                assertThat(taken.epoch()).isEqualTo(2);
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void anUnsupportedUrlIsRefusedWithTheFix() {
        assertThatThrownBy(() -> JdbcStateStore.open("jdbc:oracle:thin:@host:1521/x", "u", "p"))
                .isInstanceOf(SyncException.class)
                .hasMessageContaining("jdbc:oracle:thin:@host:1521/x")
                .hasMessageContaining("jdbc:h2:file:./.ferry/state");
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedWithTheFix() throws Exception {
        Path junk = dir.resolve("junk.mv.db");
        Files.writeString(junk, "this is not an H2 database ".repeat(200));
        assertThatThrownBy(() -> JdbcStateStore.open("jdbc:h2:file:" + dir.resolve("junk").toAbsolutePath(), null, null))
                .isInstanceOf(SyncException.class)
                .hasMessageStartingWith("state store jdbc:h2:file:")
                .hasMessageContaining("move a damaged file aside")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}

package dev.ferry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user sees when something is wrong: exit codes 1/2, one clear line, never a secret or a stack trace. */
class CliMessagesIT {
    static final String SECRET = "s3cr3t-Pa55";
    @TempDir Path dir;

    Path file(String text) throws Exception {
        Path f = dir.resolve("sync.yaml");
        Files.writeString(f, text + "\nstate: jdbc:h2:file:" + dir + "/state\n");
        return f;
    }

    @Test
    void badConfigListsEveryProblemAndExits2() throws Exception {
        FerryProcess.Result r = FerryProcess.run(dir, "run", file("""
                source:
                  type: postgress
                destination:
                  type: postgres
                  mode: merge
                batch: {size: zero}""").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("source.type: unknown type 'postgress' (did you mean 'postgres'?)")
                .contains("destination.url: required").contains("destination.table: required")
                .contains("destination.mode: 'merge' is not a mode").contains("batch.size: 'zero' is not a whole number")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missingSyncFileAndUnknownCommandExit2() throws Exception {
        assertThat(FerryProcess.run(dir, "run", "nope.yaml").exit()).isEqualTo(2);
        FerryProcess.Result r = FerryProcess.run(dir, "frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument");
    }

    @Test
    void unreachableDatabaseIsOneLineNamingItWithoutThePassword() throws Exception {
        FerryProcess.Result r = FerryProcess.run(dir, Map.of("DB_PASSWORD", SECRET), "run", file("""
                source:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:1/test
                  user: postgres
                  password: ${DB_PASSWORD}
                  table: public.nothing
                  key: [id]
                destination:
                  type: h2
                  url: jdbc:h2:mem:x
                  table: t
                retry: {maxAttempts: 1}""").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.all()).contains("127.0.0.1:1").doesNotContain(SECRET).doesNotContain("\tat ");
    }

    @Test
    void wrongPasswordAndMissingTableNameTheObject() throws Exception {
        FerryProcess.Result wrong = FerryProcess.run(dir, Map.of("DB_PASSWORD", SECRET), "run", file("""
                source:
                  type: mariadb
                  url: jdbc:mariadb://127.0.0.1:3306/test
                  user: ferry_nobody
                  password: ${DB_PASSWORD}
                  table: nothing
                  key: [id]
                destination: {type: h2, url: "jdbc:h2:mem:x", table: t}
                retry: {maxAttempts: 1}""").toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.all()).contains("ferry_nobody").doesNotContain(SECRET);

        FerryProcess.Result missing = FerryProcess.run(dir, "run", file("""
                source:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:5432/test
                  user: postgres
                  table: public.ferry_no_such_table
                  key: [id]
                destination: {type: h2, url: "jdbc:h2:mem:x", table: t}""").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.all()).contains("ferry_no_such_table");
    }

    @Test
    void aSecondRunOnTheSameDestinationIsRefusedNamingTheActiveRun() throws Exception {
        Db pg = Db.postgres();
        pg.exec("DROP SCHEMA IF EXISTS it_cli_lease CASCADE");
        pg.exec(dev.ferry.testkit.TaskDetailTable.postgres("it_cli_lease", "src", 200_000));
        Path f = file("""
                name: lease
                source: {type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/test", user: postgres, table: it_cli_lease.src, key: [taskdetailkey]}
                destination: {type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/test", user: postgres, table: it_cli_lease.dst}
                batch: {size: 500}""");
        Process first = FerryProcess.start(dir, Map.of(), "run", f.toString(), "--no-progress");
        long deadline = System.currentTimeMillis() + 60_000;
        while (pg.countOrZero("it_cli_lease.dst") == 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        FerryProcess.Result second = FerryProcess.run(dir, "run", f.toString());
        assertThat(first.isAlive()).as("the first run must still be going for this test to mean anything").isTrue();
        assertThat(second.exit()).isEqualTo(1);
        assertThat(second.all()).contains("is being written by run");
        first.waitFor();
        assertThat(first.exitValue()).isZero();
        pg.close();
    }
}

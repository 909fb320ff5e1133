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
    void aMistypedDestinationKeyIsAConfigurationProblemNotIgnored() throws Exception {
        FerryProcess.Result r = FerryProcess.run(dir, "run", file("""
                source: {type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/test", user: postgres, table: public.t, key: [id]}
                destination: {type: mariadb, url: "jdbc:mariadb://127.0.0.1:3306/test", user: root, table: t, mdoe: append}""").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("destination.mdoe: unknown key (did you mean 'mode'?)").doesNotContain("\tat ");
    }

    @Test
    void aSourceKeyThatIsNotUniqueFailsTheRunNamingKeyAndFixOnce() throws Exception {
        Db pg = Db.postgres();
        pg.exec("DROP SCHEMA IF EXISTS qa_cli_dupkey CASCADE");
        pg.exec("CREATE SCHEMA qa_cli_dupkey");
        pg.exec("CREATE TABLE qa_cli_dupkey.src (id int, v text)");
        pg.exec("INSERT INTO qa_cli_dupkey.src VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, 'd')");
        FerryProcess.Result r = FerryProcess.run(dir, "run", file("""
                source: {type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/test", user: postgres, table: qa_cli_dupkey.src, key: [id]}
                destination: {type: mariadb, url: "jdbc:mariadb://127.0.0.1:3306/test", user: root, table: qa_cli_dupkey}""").toString());
        assertThat(r.exit()).isEqualTo(1);
        String message = "source.key [id] is not unique in table qa_cli_dupkey.src: key 2 is on more than one row";
        assertThat(r.all()).contains(message).contains("set source.key to columns that identify one row").doesNotContain("\tat ");
        assertThat(r.all().split(java.util.regex.Pattern.quote(message), -1)).as("the error once, not again as a log line").hasSize(2);
        pg.exec("DROP SCHEMA qa_cli_dupkey CASCADE");
        pg.close();
    }

    @Test
    void aWrongPasswordNamesTheSettingAndQuotesTheServerOnce() throws Exception {
        FerryProcess.Result r = FerryProcess.run(dir, Map.of("DB_PASSWORD", SECRET), "run", file("""
                source: {type: mariadb, url: "jdbc:mariadb://127.0.0.1:3306/test", user: root, password: "${DB_PASSWORD}", table: t, key: [id]}
                destination: {type: h2, url: "jdbc:h2:mem:x", table: t}
                retry: {maxAttempts: 1}""").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.all()).contains("check source.user/source.password").doesNotContain(SECRET).doesNotContain("\tat ");
        assertThat(r.all().split("Access denied for user", -1)).as("the server's words once: " + r.all()).hasSize(2);
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

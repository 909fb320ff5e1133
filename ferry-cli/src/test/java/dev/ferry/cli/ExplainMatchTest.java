package dev.ferry.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ferry explain-match} after a real dedup run into embedded H2: merged, not merged, and founder cases. */
class ExplainMatchTest {
    @TempDir Path dir;
    Path sync;

    @BeforeEach
    void syncFourContacts() throws Exception {
        String db = "jdbc:h2:mem:hd_explain_" + UUID.randomUUID().toString().substring(0, 8) + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE contacts (id BIGINT PRIMARY KEY, first_name VARCHAR(50), last_name VARCHAR(50), email VARCHAR(100), "
                    + "phone VARCHAR(30), street VARCHAR(100), city VARCHAR(50), zip VARCHAR(10), company VARCHAR(50), birth_date VARCHAR(10))");
            st.execute("INSERT INTO contacts VALUES "
                    + "(1, 'Robert', 'Müller', 'rob.mueller@gmail.com', '(212) 555-0143', '12 Main Street', 'New York', '10001', 'Acme Inc.', '1980-03-12'),"
                    + "(2, 'Bob', 'Mueller', 'bob@newjob.com', '+1 212-555-0143', NULL, NULL, NULL, NULL, NULL),"
                    + "(3, 'Anna', 'Mueller', 'anna.m@yahoo.com', '(212) 555-0143', '12 Main Street', 'New York', '10001', NULL, NULL),"
                    + "(4, 'Robert', 'Mueller', 'rob.mueller@gmail.com', NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        sync = dir.resolve("contacts.yaml");
        Files.writeString(sync, """
                name: explain
                source: {type: h2, url: "%1$s", table: contacts, key: [id]}
                destination: {type: h2, url: "%1$s", table: clean_contacts}
                dedup: {preset: contacts}
                state: jdbc:h2:file:%2$s/state
                """.formatted(db, dir));
        assertThat(FerryCli.execute("run", sync.toString(), "--no-progress")).isZero();
    }

    String explain(String... args) {
        PrintStream was = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 2];
            all[0] = "explain-match";
            all[1] = sync.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            assertThat(FerryCli.execute(all)).isZero();
        } finally {
            System.setOut(was);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMergedRecordAgainstItsMasterShowsTheRuleThatMatched() {
        String out = explain("2");
        assertThat(out).contains("record 2: master 1, linked by rule phone_name")
                .contains("record 1: master 1 (it founded it)")
                .contains("same master (1): merged")
                .contains("'robert' | 'robert'")                 // Bob is Robert once nicknames are resolved
                .contains("phone_name: MATCH")
                .contains("verdict: match by rule phone_name");
    }

    @Test
    void twoRecordsKeptApartSayWhichConditionFailed() {
        String out = explain("3", "1");
        assertThat(out).contains("record 3: master 3 (it founded it)")
                .contains("different masters (3, 1): not merged")
                .containsPattern("first_name \\[given_name\\] jaro_winkler >= 0.88: 'anna' vs 'robert': score 0\\.\\d+ < 0.88 -> fails")
                .contains("verdict: no rule matches");
    }

    @Test
    void aFounderIsComparedWithAMemberOfItsMaster() {
        assertThat(explain("1")).contains("record 1: master 1 (it founded it)").contains("same master (1): merged");
    }

    @Test
    void anUnknownKeyIsAnError() {
        assertThat(FerryCli.execute("explain-match", sync.toString(), "99")).isEqualTo(FerryCli.FAILED);
    }
}

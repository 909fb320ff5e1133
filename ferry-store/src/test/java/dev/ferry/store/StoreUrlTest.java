package dev.ferry.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoreUrlTest {
    @Test
    void passwordsNeverShow() {
        assertThat(StoreUrl.redact("jdbc:postgresql://h:5432/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=***&ssl=true");
        assertThat(StoreUrl.redact("jdbc:mariadb://u:s3cret@h:3306/db")).isEqualTo("jdbc:mariadb://u:***@h:3306/db");
        assertThat(StoreUrl.redact("jdbc:h2:file:./x;USER=sa;PASSWORD=s3cret")).doesNotContain("s3cret");
    }

    @Test
    void h2FilesAreSharedBetweenProcesses() {
        assertThat(StoreUrl.withDefaults("jdbc:h2:file:./.ferry/state"))
                .isEqualTo("jdbc:h2:file:./.ferry/state;AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000;WRITE_DELAY=0;MAX_LENGTH_INPLACE_LOB=4096");
        assertThat(StoreUrl.withDefaults("jdbc:h2:./x;auto_server=false")).isEqualTo("jdbc:h2:./x;auto_server=false;LOCK_TIMEOUT=10000;WRITE_DELAY=0;MAX_LENGTH_INPLACE_LOB=4096");
        assertThat(StoreUrl.withDefaults("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
        assertThat(StoreUrl.withDefaults("jdbc:h2:tcp://h/x")).isEqualTo("jdbc:h2:tcp://h/x");
        assertThat(StoreUrl.withDefaults("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
    }

    @Test
    void thePostgresSchemaComesFromCurrentSchema() {
        assertThat(StoreUrl.postgresSchema("jdbc:postgresql://h/db?currentSchema=ferry")).contains("ferry");
        assertThat(StoreUrl.postgresSchema("jdbc:postgresql://h/db?ssl=false&currentSchema=a,public")).contains("a");
        assertThat(StoreUrl.postgresSchema("jdbc:postgresql://h/db")).isEmpty();
    }
}

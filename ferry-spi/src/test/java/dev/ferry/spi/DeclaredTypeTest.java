package dev.ferry.spi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeclaredTypeTest {
    @Test
    void readsTheTypesUsersWrite() {
        assertThat(DeclaredType.parse("decimal(12, 2)")).contains(new DeclaredType(ColumnType.DECIMAL, 0, 12, 2));
        assertThat(DeclaredType.parse(" VARCHAR(40) ")).contains(new DeclaredType(ColumnType.STRING, 40, 0, 0));
        assertThat(DeclaredType.parse("timestamp with time zone")).contains(new DeclaredType(ColumnType.TIMESTAMPTZ, 0, 0, 0));
        assertThat(DeclaredType.parse("int8")).contains(new DeclaredType(ColumnType.BIGINT, 0, 0, 0));
        assertThat(DeclaredType.parse("jsonb").orElseThrow().column("doc"))
                .isEqualTo(new Column("doc", ColumnType.JSON, 0, 0, 0, true));
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertThat(DeclaredType.parse("money")).isEmpty();
        assertThat(DeclaredType.parse("bigint(5)")).isEmpty();
        assertThat(DeclaredType.parse("decimal(2,5)")).isEmpty();
        assertThat(DeclaredType.parse("")).isEmpty();
    }
}

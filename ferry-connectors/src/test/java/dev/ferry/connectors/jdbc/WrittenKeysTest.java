package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WrittenKeysTest {
    @Test
    void everyAddedKeyMightBeThereAndFewOthersAre() {
        WrittenKeys keys = new WrittenKeys();
        int n = 3_000_000; // beyond the first filter: the scalable part is exercised
        for (int i = 0; i < n; i++) keys.add("name_address:SM0|" + i + "|new york");
        for (int i = 0; i < n; i++) assertThat(keys.mightContain("name_address:SM0|" + i + "|new york")).isTrue();
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) if (keys.mightContain("phone:+1212" + i)) falsePositives++;
        assertThat(falsePositives).as("false positives in 100,000").isLessThan(3_000);
    }

    @Test
    void anEmptyFilterHasNothing() {
        assertThat(new WrittenKeys().mightContain("email:a@b.c")).isFalse();
    }
}

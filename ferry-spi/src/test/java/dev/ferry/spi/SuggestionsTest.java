package dev.ferry.spi;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SuggestionsTest {
    @Test
    void theNearestKnownWordWhenNearEnough() {
        Set<String> known = Set.of("mode", "table", "url", "user", "password", "createSchema");
        assertThat(Suggestions.didYouMean("mdoe", known)).isEqualTo(" (did you mean 'mode'?)");    // a swap
        assertThat(Suggestions.didYouMean("tabel", known)).isEqualTo(" (did you mean 'table'?)");
        assertThat(Suggestions.didYouMean("pasword", known)).isEqualTo(" (did you mean 'password'?)");
        assertThat(Suggestions.didYouMean("createschema", known)).isEqualTo(" (did you mean 'createSchema'?)");
        assertThat(Suggestions.didYouMean("colour", known)).isEmpty();
    }

    @Test
    void distanceCountsASwapOnce() {
        assertThat(Suggestions.distance("mdoe", "mode")).isEqualTo(1);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    }
}

package dev.ferry.core.bidi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** merge with text: concat joins both texts, and merging again with a merge that holds a value changes nothing. */
class ResolverConcatTest {
    @Test
    void concatJoinsBothAndIsIdempotentAgainstAnEarlierMerge() {
        assertThat(Resolver.concat("a101", "b101")).isEqualTo("a101 | b101");
        // after a crash between the sides, one side holds the merge and the other its own text
        assertThat(Resolver.concat("a101 | b101", "b101")).isEqualTo("a101 | b101");
        assertThat(Resolver.concat("a101", "a101 | b101")).isEqualTo("a101 | b101");
        assertThat(Resolver.concat("a101 | b101", "a101 | b101")).isEqualTo("a101 | b101");
        assertThat(Resolver.concat("x | y", "y | z")).isEqualTo("x | y | z");
    }
}

package dev.ferry.quality;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MethodTest {
    private static double score(Method m, String a, String b) {
        return m.score(m.encode(a), m.encode(b));
    }

    @Test
    void exact() {
        assertThat(score(Method.EXACT, "smith", "smith")).isEqualTo(1.0);
        assertThat(score(Method.EXACT, "smith", "smyth")).isZero();
    }

    @Test
    void jaroWinklerRewardsCommonPrefixes() {
        assertThat(score(Method.JARO_WINKLER, "jonathan", "jonathon")).isGreaterThan(0.9);
        assertThat(score(Method.JARO_WINKLER, "martha", "marhta")).isCloseTo(0.961, within(0.001));
        assertThat(score(Method.JARO_WINKLER, "robert", "richard")).isLessThan(0.8);
        assertThat(score(Method.JARO_WINKLER, "john", "joan")).isBetween(0.8, 0.9); // close: why first names need more
    }

    @Test
    void levenshteinIsOneMinusEditsOverLength() {
        assertThat(score(Method.LEVENSHTEIN, "kitten", "sitting")).isCloseTo(1 - 3.0 / 7, within(1e-9));
        assertThat(score(Method.LEVENSHTEIN, "12 main street", "12 main stret")).isGreaterThan(0.9);
        assertThat(score(Method.LEVENSHTEIN, "abc", "xyz")).isZero();
    }

    @Test
    void doubleMetaphoneHearsSpellingVariants() {
        assertThat(score(Method.DOUBLE_METAPHONE, "smith", "smyth")).isEqualTo(1.0);
        assertThat(score(Method.DOUBLE_METAPHONE, "schmidt", "smith")).isEqualTo(1.0); // via the alternate code
        assertThat(score(Method.DOUBLE_METAPHONE, "meyer", "maier")).isEqualTo(1.0);
        assertThat(score(Method.DOUBLE_METAPHONE, "catherine", "kathryn")).isEqualTo(1.0);
        assertThat(score(Method.DOUBLE_METAPHONE, "smith", "jones")).isZero();
        assertThat(Method.DOUBLE_METAPHONE.encode("123")).isNull();
    }

    @Test
    void soundex() {
        assertThat(score(Method.SOUNDEX, "robert", "rupert")).isEqualTo(1.0);
        assertThat(score(Method.SOUNDEX, "robert", "rubin")).isZero();
    }

    @Test
    void beiderMorse() {
        assertThat(score(Method.BEIDER_MORSE, "schwarz", "shvarts")).isEqualTo(1.0);
        assertThat(score(Method.BEIDER_MORSE, "schwarz", "miller")).isZero();
    }

    @Test
    void prefixAndInitial() {
        assertThat(score(Method.PREFIX, "kim", "kimberly")).isEqualTo(1.0);
        assertThat(score(Method.PREFIX, "jo", "joan")).as("two letters are too few").isZero();
        assertThat(score(Method.PREFIX, "kim", "karen")).isZero();
        assertThat(score(Method.INITIAL, "j", "james")).isEqualTo(1.0);
        assertThat(score(Method.INITIAL, "james", "j")).isEqualTo(1.0);
        assertThat(score(Method.INITIAL, "james", "john")).isZero();
        assertThat(score(Method.INITIAL, "p", "james")).isZero();
    }

    @Test
    void parseNames() {
        assertThat(Method.parse("jaro-winkler")).contains(Method.JARO_WINKLER);
        assertThat(Method.parse("double_metaphone")).contains(Method.DOUBLE_METAPHONE);
        assertThat(Method.parse("sounds")).isEmpty();
    }
}

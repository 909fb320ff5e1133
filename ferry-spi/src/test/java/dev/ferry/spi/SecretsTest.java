package dev.ferry.spi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
    @Test
    void aShortSecretIsMaskedOnlyAsAWholeWord() {
        assertThat(Secrets.mask("relation \"x\" does not exist", "x")).isEqualTo("relation \"***\" does not exist");
        assertThat(Secrets.mask("password=x&user=root", "x")).isEqualTo("password=***&user=root");
        assertThat(Secrets.mask("x", "x")).isEqualTo("***");
        assertThat(Secrets.mask("does not exist, x exists", "x")).isEqualTo("does not exist, *** exists");
        assertThat(Secrets.mask("pw1pw1 pw1", "pw1")).isEqualTo("pw1pw1 ***");
    }

    @Test
    void aLongSecretIsMaskedWherever() {
        assertThat(Secrets.mask("tokenS3cretValue!42end", "S3cretValue!42")).isEqualTo("token***end");
        assertThat(Secrets.mask("a S3cretValue!42 b S3cretValue!42", "S3cretValue!42")).isEqualTo("a *** b ***");
    }

    @Test
    void nothingToMask() {
        assertThat(Secrets.mask("message", "")).isEqualTo("message");
        assertThat(Secrets.mask("message", null)).isEqualTo("message");
        assertThat(Secrets.mask(null, "x")).isNull();
    }
}

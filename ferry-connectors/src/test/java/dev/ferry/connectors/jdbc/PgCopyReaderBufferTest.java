package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch keeps the array it was read into while it waits in the queue: one grown by doubling is cut to its text. */
class PgCopyReaderBufferTest {
    @Test
    void aMostlyEmptyArrayIsCutToTheText() {
        byte[] grown = new byte[4 << 20];
        int len = 2_600_000;
        Arrays.fill(grown, 0, len, (byte) 'x');
        grown[len - 1] = '\n';
        byte[] kept = PgCopyReader.fitted(grown, len);
        assertThat(kept).hasSize(len);
        assertThat(Arrays.equals(kept, 0, len, grown, 0, len)).isTrue();
    }

    @Test
    void anArrayOfAboutTheRightSizeIsKeptAsItIs() {
        byte[] sized = new byte[2_900_000]; // the next batches: largest text seen plus an eighth
        assertThat(PgCopyReader.fitted(sized, 2_600_000)).isSameAs(sized);
    }
}

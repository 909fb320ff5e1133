package dev.ferry.core;

import dev.ferry.spi.RecordException;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorClassifierTest {

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "40001", "40P01", "53300", "53200", "57P01"})
    void transientSqlStates(String state) {
        assertThat(ErrorClassifier.classify(new SQLException("x", state))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new SyncException("wrapped", new SQLException("x", state)))).isEqualTo(ErrorKind.TRANSIENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "23502", "22001", "23514", "22P02"})
    void recordSqlStates(String state) {
        assertThat(ErrorClassifier.classify(new SQLException("x", state))).isEqualTo(ErrorKind.RECORD);
        assertThat(ErrorClassifier.classify(new SyncException("wrapped", new SQLException("x", state)))).isEqualTo(ErrorKind.RECORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"42P01", "42501", "28P01", "XX000"})
    void fatalSqlStates(String state) {
        assertThat(ErrorClassifier.classify(new SyncException("wrapped", new SQLException("x", state)))).isEqualTo(ErrorKind.FATAL);
    }

    @Test
    void socketTimeoutIsTransientEvenDeeplyNested() {
        Throwable t = new SyncException("read failed",
                new UncheckedIOException(new java.io.IOException("io", new SocketTimeoutException("Read timed out"))));
        assertThat(ErrorClassifier.classify(t)).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new SocketTimeoutException())).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void typesWin() {
        assertThat(ErrorClassifier.classify(new RetriableSyncException("429", null))).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new RecordException("bad", null))).isEqualTo(ErrorKind.RECORD);
        assertThat(ErrorClassifier.classify(new SyncException("no such table"))).isEqualTo(ErrorKind.FATAL);
        assertThat(ErrorClassifier.classify(new IllegalStateException("bug"))).isEqualTo(ErrorKind.FATAL);
        // the outermost typed marker decides
        assertThat(ErrorClassifier.classify(new SyncException("x", new RecordException("bad", new SQLException("y", "08006")))))
                .isEqualTo(ErrorKind.RECORD);
    }

    @Test
    void chainedNextExceptionIsConsulted() {
        SQLException batch = new SQLException("Batch entry 3 was aborted", (String) null);
        batch.setNextException(new SQLException("duplicate key value violates unique constraint", "23505"));
        assertThat(ErrorClassifier.classify(batch)).isEqualTo(ErrorKind.RECORD);
    }

    @Test
    void selfCausedChainTerminates() {
        SyncException e = new SyncException("loop");
        assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.FATAL);
    }

    @Test
    void describeNamesTheSqlMessage() {
        String d = ErrorClassifier.describe(new SyncException("writing batch 3 to t failed",
                new SQLException("ERROR: relation \"t\" does not exist\n  Position: 13", "42P01")));
        assertThat(d).contains("writing batch 3").contains("relation \"t\" does not exist").doesNotContain("Position");
    }
}

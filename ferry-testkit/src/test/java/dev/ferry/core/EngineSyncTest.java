package dev.ferry.core;

import dev.ferry.spi.WriteMode;
import dev.ferry.testkit.FakeSchema;
import dev.ferry.testkit.RowGenerator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class EngineSyncTest extends EngineTestSupport {

    @Test
    void fullSyncEqualsSourceAndAnUnchangedRerunRewritesNothing() {
        load(1, 1000);
        SyncJob job = job(64);

        RunInfo first = run(job);
        assertThat(first.status()).as(first.toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(first, 1000, 1000, 1000, 0, 0, 0);
        assertThat(first.percent()).contains(100.0);
        assertDestinationEqualsSource();
        assertThat(dest.commits()).isEqualTo(16); // ceil(1000 / 64)
        assertThat(store.loadState("orders").inProgress()).isEmpty();

        dest.resetCounts();
        RunInfo second = run(job);
        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(second, 1000, 1000, 0, 0, 1000, 0);
        assertThat(dest.rowsRewritten()).as("unchanged rows are not rewritten").isZero();
        assertDestinationEqualsSource();
        assertThat(store.findRun(second.runId())).contains(second);
        assertThat(store.history(java.util.Optional.of("orders"), 10)).extracting(RunInfo::runId)
                .containsExactly(second.runId(), first.runId());
    }

    @Test
    void sourceWithoutCountGetsItsTotalAtTheEnd() {
        load(2, 120);
        source.countable(false);
        RunInfo r = run(job(50));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(r, 120, 120, 120, 0, 0, 0);
    }

    @Test
    void emptySourceSucceeds() {
        RunInfo r = run(job(10));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(r, 0, 0, 0, 0, 0, 0);
        assertThat(dest.writeCalls()).isZero();
    }

    @Test
    void incrementalReadsOnlyChangedRows() {
        RowGenerator gen = new RowGenerator(3);
        List<Object[]> rows = gen.rows(1000);
        source.putAll(rows);
        SyncJob job = job(100, true, WriteMode.UPSERT, 2);

        RunInfo first = run(job);
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(first, 1000, 1000, 1000, 0, 0, 0);
        assertThat(store.loadState("orders").highWaterMark()).isPresent();

        // bump the cursor on 10 % of the rows, and add 5 new ones
        List<Object[]> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(3));
        for (Object[] row : shuffled.subList(0, 100)) source.put(gen.touch(row));
        source.putAll(gen.rows(5));
        source.resetCounts();

        RunInfo second = run(job);
        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(source.rowsRead()).as("only changed and new rows are read").isEqualTo(105);
        assertCounters(second, 105, 105, 5, 100, 0, 0);
        assertDestinationEqualsSource();

        source.resetCounts();
        RunInfo third = run(job);
        assertThat(third.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(source.rowsRead()).isZero();
        assertCounters(third, 0, 0, 0, 0, 0, 0);

        // full refresh forgets the high-water mark
        source.resetCounts();
        RunInfo full = run(job.withFullRefresh(true));
        assertThat(source.rowsRead()).isEqualTo(1005);
        assertCounters(full, 1005, 1005, 0, 0, 1005, 0);
    }

    @Test
    void incrementalLeavesRowsChangedDuringTheRunForTheNextRun() {
        RowGenerator gen = new RowGenerator(4);
        List<Object[]> rows = gen.rows(300);
        source.putAll(rows);
        SyncJob job = job(50, true, WriteMode.UPSERT, 1);
        // while batch 0 is written, touch a row that is further ahead: its new cursor is past the planned bound
        Object[] late = rows.get(250);
        Object[] touched = gen.touch(late);
        dest.beforeWrite(b -> {
            if (dest.commits() == 0) source.put(touched);
        });
        RunInfo first = run(job);
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(first, 300, 299, 299, 0, 0, 0);
        assertThat(dest.get(late[FakeSchema.ID])).isEmpty();

        dest.beforeWrite(b -> { });
        RunInfo second = run(job);
        assertCounters(second, 1, 1, 1, 0, 0, 0);
        assertDestinationEqualsSource();
    }

    @Test
    void replaceSwapsAtTheEndAndDropsDeletedRows() {
        List<Object[]> rows = load(5, 400);
        SyncJob job = job(60, false, WriteMode.REPLACE, 2);
        assertThat(run(job).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertDestinationEqualsSource();

        for (int i = 0; i < 10; i++) source.remove((Long) rows.get(i * 7)[FakeSchema.ID]);
        // crash in the middle of the second load: the old table stays visible, whole
        dest.failOnWrite(3, 1, dev.ferry.testkit.Failure.FATAL);
        RunInfo crashed = run(job);
        assertThat(crashed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(dest.size()).isEqualTo(400);

        RunInfo resumed = run(job);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.resumedFrom()).contains(crashed.runId());
        assertThat(resumed.counters().processed()).isEqualTo(390);
        assertDestinationEqualsSource();
    }

    @Test
    void appendAddsEveryRow() {
        load(6, 90);
        RunInfo r = run(job(40, false, WriteMode.APPEND, 2));
        assertCounters(r, 90, 90, 90, 0, 0, 0);
        assertThat(dest.appendedRows()).hasSize(90);
    }

    @Test
    void unknownKeyColumnIsAConfigError() {
        load(7, 10);
        SyncJob bad = new SyncJob("orders", "fake", job(10).source(), "fake", job(10).destination(), "dst.orders",
                List.of("nope"), java.util.Optional.empty(), WriteMode.UPSERT, 10, 2, FAST, false);
        RunInfo r = run(bad);
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).contains("source.key").contains("nope"));
        assertThat(dest.writeCalls()).isZero();
    }
}

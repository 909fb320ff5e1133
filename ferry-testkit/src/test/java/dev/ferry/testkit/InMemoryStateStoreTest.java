package dev.ferry.testkit;

import dev.ferry.core.Checkpoint;
import dev.ferry.core.Counters;
import dev.ferry.core.DeadLetter;
import dev.ferry.core.Lease;
import dev.ferry.core.LeaseHeldException;
import dev.ferry.core.LeaseLostException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryStateStoreTest {
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MutableClock clock = new MutableClock();
    final InMemoryStateStore store = new InMemoryStateStore(clock, Duration.ofSeconds(30));

    static Checkpoint cp(String runId, long seq) {
        return new Checkpoint(runId, Optional.of("id>" + seq), Optional.empty(), Optional.empty(), seq, Counters.ZERO);
    }

    @Test
    void leaseIsExclusiveUntilReleasedOrStale() {
        Lease a = store.acquireLease("t", "run-a");
        assertThat(a.epoch()).isEqualTo(1);
        assertThatThrownBy(() -> store.acquireLease("t", "run-b")).isInstanceOf(LeaseHeldException.class)
                .hasMessageContaining("run-a");

        clock.now = clock.now.plusSeconds(20);
        store.heartbeat(a);
        clock.now = clock.now.plusSeconds(20);
        assertThatThrownBy(() -> store.acquireLease("t", "run-b")).as("heartbeat kept it alive").isInstanceOf(LeaseHeldException.class);

        clock.now = clock.now.plusSeconds(31);
        Lease b = store.acquireLease("t", "run-b");
        assertThat(b.epoch()).isEqualTo(2);
        assertThat(b.tookOverFrom()).contains("run-a");
        assertThatThrownBy(() -> store.saveCheckpoint(a, "s", cp("run-a", 1))).isInstanceOf(LeaseLostException.class);
        store.releaseLease(a); // a zombie's release must not free the new holder's lease
        assertThatThrownBy(() -> store.acquireLease("t", "run-c")).isInstanceOf(LeaseHeldException.class);

        store.saveCheckpoint(b, "s", cp("run-b", 1));
        store.releaseLease(b);
        Lease c = store.acquireLease("t", "run-c");
        assertThat(c.epoch()).isEqualTo(3);
        assertThat(c.tookOverFrom()).as("a released lease is not a takeover").isEmpty();
        assertThatThrownBy(() -> store.heartbeat(b)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void expireLeaseSimulatesADeadHolder() {
        Lease a = store.acquireLease("t", "run-a");
        store.expireLease("t");
        Lease b = store.acquireLease("t", "run-b");
        assertThat(b.tookOverFrom()).contains("run-a");
        assertThatThrownBy(() -> store.completePass(a, "s", Optional.empty())).isInstanceOf(LeaseLostException.class);
        assertThat(store.lease("t")).map(Lease::runId).contains("run-b");
    }

    @Test
    void checkpointsAndPasses() {
        Lease l = store.acquireLease("t", "r");
        store.saveCheckpoint(l, "s", cp("r", 3));
        assertThat(store.loadState("s").inProgress()).map(Checkpoint::nextSeq).contains(3L);
        store.completePass(l, "s", Optional.of("2024-01-02T00:00"));
        assertThat(store.loadState("s").inProgress()).isEmpty();
        assertThat(store.loadState("s").highWaterMark()).contains("2024-01-02T00:00");
        store.resetState("s");
        assertThat(store.loadState("s").highWaterMark()).isEmpty();
    }

    @Test
    void unresolvedDeadLettersAreDedupedBySyncAndKey() {
        Instant t = clock.instant();
        store.addDeadLetters(List.of(
                new DeadLetter(0, "r1", "s", "7", "bad", Map.of("id", "7"), t, Optional.empty()),
                new DeadLetter(0, "r1", "s", "8", "bad", Map.of("id", "8"), t, Optional.empty()),
                new DeadLetter(0, "r1", "other", "7", "bad", Map.of("id", "7"), t, Optional.empty())));
        store.addDeadLetters(List.of(new DeadLetter(0, "r2", "s", "7", "worse", Map.of("id", "7"), t, Optional.empty())));
        assertThat(store.allDeadLetters()).hasSize(3);
        assertThat(store.deadLetters("r2")).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo("worse");
            assertThat(l.id()).isEqualTo(1);
        });
        assertThat(store.deadLetters("r1")).extracting(DeadLetter::sourceKey).containsExactly("8", "7");

        store.resolveDeadLetters(List.of(1L));
        store.addDeadLetters(List.of(new DeadLetter(0, "r3", "s", "7", "again", Map.of("id", "7"), t, Optional.empty())));
        assertThat(store.allDeadLetters()).as("a resolved letter is history; a new failure is a new letter").hasSize(4);
    }

    @Test
    void skippedLettersKeepCategoryFieldAndRuleAndSurviveResolution() {
        Instant t = clock.instant();
        store.addDeadLetters(List.of(new DeadLetter(0, "r1", "s", "9", "field 'email' breaks rule pattern", Map.of("id", "9"), t,
                Optional.empty(), DeadLetter.SKIPPED, Optional.of("email"), Optional.of("pattern"))));
        assertThat(store.deadLetters("r1")).singleElement().satisfies(l -> {
            assertThat(l.skipped()).isTrue();
            assertThat(l.field()).contains("email");
            assertThat(l.rule()).contains("pattern");
        });
        store.resolveDeadLetters(List.of(store.deadLetters("r1").get(0).id()));
        assertThat(store.allDeadLetters()).singleElement().satisfies(l -> {
            assertThat(l.resolvedAt()).isPresent();
            assertThat(l.category()).isEqualTo(DeadLetter.SKIPPED);
            assertThat(l.rule()).contains("pattern");
        });
    }
}

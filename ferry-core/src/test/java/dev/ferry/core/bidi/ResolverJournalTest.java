package dev.ferry.core.bidi;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A decision journalled by a run that crashed before committing its base (status DECIDED): the re-run applies it
 * whichever side it reached, instead of deciding again on a side that already holds its write.
 */
class ResolverJournalTest {
    static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
    final Resolver sum = new Resolver("s", List.of("id", "qty"), new BidiJob.ConflictPolicy(BidiJob.Strategy.MERGE, Map.of(), "a",
            Map.of(), "a", BidiJob.NumberMerge.SUM_OF_CHANGES, BidiJob.TextMerge.CONCAT, List.of()), BidiJob.DeletionRule.PROPAGATE);
    final Optional<BaseRow> base = Optional.of(new BaseRow("1", List.of("1", "10")));

    /** The first run: base 10, a made it 15, b made it 12: sum of changes 17, journalled. */
    Conflict journalled() {
        Resolver.Decision d = sum.decide("1", base, Resolver.SideState.of(List.of("1", "15")), Resolver.SideState.of(List.of("1", "12")),
                Map.of(), "run-1", NOW);
        assertThat(d.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Conflict.Status.DECIDED);
            assertThat(c.resolution()).contains("17");
        });
        return d.conflicts().get(0).withId(7);
    }

    @Test
    void afterACrashBetweenTheSidesTheJournalledValueIsWrittenToTheOtherSideAndNotAddedAgain() {
        Conflict j = journalled();
        // b got 17 before the crash; a still holds 15. Deciding again would give 15 + 17 - 10 = 22.
        Resolver.Decision d = sum.decide("1", base, Resolver.SideState.of(List.of("1", "15")), Resolver.SideState.of(List.of("1", "17")),
                Map.of("qty", j), "run-2", NOW);
        assertThat(d.writeA()).contains(List.of("1", "17"));
        assertThat(d.writeB()).isEmpty();
        assertThat(d.base()).get().extracting(BaseRow::values).isEqualTo(List.of("1", "17"));
        assertThat(d.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(7); // the journal's record, no second conflict
            assertThat(c.resolution()).contains("17");
        });
        assertThat(d.autoResolved()).isZero();
    }

    @Test
    void neitherSideWrittenYetTheSameDecisionStands() {
        Conflict j = journalled();
        Resolver.Decision d = sum.decide("1", base, Resolver.SideState.of(List.of("1", "15")), Resolver.SideState.of(List.of("1", "12")),
                Map.of("qty", j), "run-2", NOW);
        assertThat(d.writeA()).contains(List.of("1", "17"));
        assertThat(d.writeB()).contains(List.of("1", "17"));
        assertThat(d.conflicts()).extracting(Conflict::id).containsExactly(7L);
    }

    @Test
    void anEditSinceOnTheSideNotYetWrittenIsCarriedOverOurOwnWrite() {
        Conflict j = journalled();
        // b was written 17, then a person changed a to 30: the journal no longer describes the sides; b's 17 is our
        // write, so a's 30 is a one-sided change from it, not a conflict (nor 30 + 17 - 10)
        Resolver.Decision d = sum.decide("1", base, Resolver.SideState.of(List.of("1", "30")), Resolver.SideState.of(List.of("1", "17")),
                Map.of("qty", j), "run-2", NOW);
        assertThat(d.writeB()).contains(List.of("1", "30"));
        assertThat(d.writeA()).isEmpty();
        assertThat(d.base()).get().extracting(BaseRow::values).isEqualTo(List.of("1", "30"));
        assertThat(d.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(7);
            assertThat(c.status()).isEqualTo(Conflict.Status.APPLIED);
        });
    }

    @Test
    void bothSidesEditedSinceAndNoneHoldsTheDecisionIsANewConflictOnTheCommittedBase() {
        Conflict j = journalled();
        Resolver.Decision d = sum.decide("1", base, Resolver.SideState.of(List.of("1", "30")), Resolver.SideState.of(List.of("1", "11")),
                Map.of("qty", j), "run-2", NOW);
        assertThat(d.conflicts()).hasSize(2);
        assertThat(d.conflicts().get(0).status()).isEqualTo(Conflict.Status.APPLIED);
        assertThat(d.conflicts().get(1)).satisfies(c -> {
            assertThat(c.id()).isZero();
            assertThat(c.status()).isEqualTo(Conflict.Status.DECIDED);
            assertThat(c.base()).contains("10");
            assertThat(c.resolution()).contains("31"); // 30 + 11 - 10
        });
    }

    @Test
    void aDeletionSinceOvertakesTheJournal() {
        Conflict j = journalled();
        Resolver.Decision d = sum.decide("1", base, Resolver.SideState.absent(true), Resolver.SideState.of(List.of("1", "17")),
                Map.of("qty", j), "run-2", NOW);
        assertThat(d.deleted()).isTrue();
        assertThat(d.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(7);
            assertThat(c.status()).isEqualTo(Conflict.Status.APPLIED);
        });
    }
}

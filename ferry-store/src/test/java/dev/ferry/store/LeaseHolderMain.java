package dev.ferry.store;

import dev.ferry.core.Counters;
import dev.ferry.core.Lease;
import dev.ferry.core.Phase;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunStatus;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A stand-in for `ferry run` in another process: takes a lease, says so, and holds it until killed. */
public final class LeaseHolderMain {
    public static void main(String[] args) throws Exception {
        JdbcStateStore store = JdbcStateStore.open(args[0], null, null);
        store.saveRun(new RunInfo(args[2], "child-sync", args[1], RunStatus.RUNNING, Phase.WRITING, Counters.ZERO, Instant.now(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Map.of()));
        Lease lease = store.acquireLease(args[1], args[2]);
        System.out.println("HELD " + lease.epoch());
        System.out.flush();
        Thread.sleep(120_000); // killed by the test long before
    }
}

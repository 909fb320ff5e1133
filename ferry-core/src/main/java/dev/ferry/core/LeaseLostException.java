package dev.ferry.core;

import dev.ferry.spi.SyncException;

/** This run's lease was taken over (it was presumed dead): it must stop without committing. */
public class LeaseLostException extends SyncException {
    public LeaseLostException(Lease lease) {
        super("run " + lease.runId() + " lost its lease on " + lease.resource() + " (epoch " + lease.epoch()
                + ") to a newer run; stopped without committing");
    }
}

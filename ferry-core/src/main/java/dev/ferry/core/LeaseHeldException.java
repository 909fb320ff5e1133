package dev.ferry.core;

import dev.ferry.spi.SyncException;

/** Another run holds the destination's lease. */
public class LeaseHeldException extends SyncException {
    public LeaseHeldException(String resource, String holderRunId, String holderInfo) {
        super("destination " + resource + " is being written by run " + holderRunId + " (" + holderInfo
                + "); wait for it to finish, or stop it, then run again");
    }
}

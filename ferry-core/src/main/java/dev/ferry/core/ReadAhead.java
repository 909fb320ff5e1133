package dev.ferry.core;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;

/**
 * The reader side of a run (or a preview): a daemon thread that opens the source and puts its batches into a bounded
 * queue, then {@link #END}, or the throwable that stopped it. The consumer takes until one of those.
 */
final class ReadAhead {
    static final Object END = new Object();

    private ReadAhead() {
    }

    static Thread start(String threadName, Source source, ReadSpec spec, Optional<String> after, Retrier retrier,
                        BlockingQueue<Object> queue) {
        return Thread.ofPlatform().daemon().name(threadName).start(() -> {
            try (SourceReader r = retrier.call(() -> source.open(spec, after))) {
                while (!Thread.currentThread().isInterrupted()) {
                    Optional<Batch> b = retrier.call(r::next);
                    if (b.isEmpty()) break;
                    queue.put(b.get());
                }
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                try {
                    queue.put(t);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }
}

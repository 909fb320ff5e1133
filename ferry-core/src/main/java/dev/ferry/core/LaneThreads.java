package dev.ferry.core;

import dev.ferry.spi.SyncException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Runs one task per lane, each on a platform thread of its own (a lane holds a database stream for its whole life),
 * for a run and for its preview alike. The first failure stops the others through {@code onStop} and is thrown once
 * every lane has ended, so no lane outlives the pass that started it.
 */
final class LaneThreads {
    /** One lane's work: true when it read its range to the end, false when it stopped early (cancelled). */
    interface Task {
        boolean run(int lane) throws Exception;
    }

    private LaneThreads() {
    }

    /**
     * @param lanes  the lanes to run (their numbers)
     * @param name   the thread name of a lane
     * @param onStop called when a lane fails or stops early: tells the others to stop after their batch
     * @return per lane number (up to the largest given), whether it completed
     */
    static boolean[] runAll(List<Integer> lanes, IntFunction<String> name, Task task, Runnable onStop) throws InterruptedException {
        int size = lanes.stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        boolean[] completed = new boolean[size];
        Throwable[] failure = new Throwable[1];
        List<Thread> threads = new ArrayList<>();
        for (int lane : lanes) {
            threads.add(Thread.ofPlatform().name(name.apply(lane)).start(() -> {
                try {
                    completed[lane] = task.run(lane);
                } catch (Throwable t) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = t;
                    }
                } finally {
                    if (!completed[lane]) onStop.run();
                }
            }));
        }
        try {
            for (Thread t : threads) t.join();
        } finally {
            onStop.run();
            for (Thread t : threads) t.join();
        }
        if (failure[0] instanceof RuntimeException re) throw re;
        if (failure[0] instanceof Error err) throw err;
        if (failure[0] != null) throw new SyncException(ErrorClassifier.describe(failure[0]), failure[0]);
        return completed;
    }
}

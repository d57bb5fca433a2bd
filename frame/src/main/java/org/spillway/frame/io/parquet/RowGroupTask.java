package org.spillway.frame.io.parquet;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.Supplier;
import org.spillway.frame.SpillwayException;

/**
 * A row group being encoded on the encoders' pool, with the bytes it holds from the budget. It is
 * waited for on a latch, never with {@link ForkJoinTask#join()}: a session worker joining a task
 * (of any pool) helps run its own pool's queued work meanwhile, that is the scan's next morsels,
 * which re-enter the ordered consumer and copy more rows to the heap, level upon level.
 */
final class RowGroupTask {
    final long charge;
    final CountDownLatch done = new CountDownLatch(1);
    final ForkJoinTask<?> task;
    private volatile RowGroupEncoder.Encoded result;
    private volatile Throwable error;

    RowGroupTask(ForkJoinPool pool, Supplier<RowGroupEncoder.Encoded> work, long charge) {
        this.charge = charge;
        this.task = pool.submit(ForkJoinTask.adapt(() -> {
            try {
                result = work.get();
            } catch (Throwable e) {
                error = e;
            } finally {
                done.countDown();
            }
        }));
    }

    boolean isDone() {
        return done.getCount() == 0;
    }

    RowGroupEncoder.Encoded await() {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
            throw new SpillwayException("Interrupted while writing Parquet", e);
        }
        if (error instanceof RuntimeException re) {
            throw re;
        }
        if (error instanceof Error err) {
            throw err;
        }
        if (error != null) {
            throw new SpillwayException("Cannot encode a Parquet row group: " + error, error);
        }
        return result;
    }

    void cancel() {
        task.cancel(true);
        if (task.isCancelled()) {
            return; // never started: the latch stays closed
        }
        try {
            done.await(); // running: it ends soon, and its result is dropped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.spillway.parallel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * Runs a list of items as morsels on its own work-stealing {@link ForkJoinPool}.
 *
 * <p>A run splits the morsel range recursively in halves down to single morsels (fork/join), so idle
 * workers steal large halves from busy ones. Each leaf task claims the lowest morsel not yet claimed,
 * so morsels <em>start</em> in input order (lower {@code seq} first), whichever worker runs them;
 * ordered consumers such as a LIMIT can therefore stop early through {@link Sink#isDone}.
 *
 * <p>Each worker thread that processes at least one morsel gets one local from
 * {@link Sink#newLocal}, created lazily on that thread; all locals are passed to
 * {@link Sink#finish} on the calling thread.
 *
 * <p>Failure: the first exception thrown by the sink (or the progress listener) stops the run:
 * morsels not yet started are skipped, running ones are allowed to finish, then {@link Sink#abort}
 * is called and the original exception is rethrown on the calling thread &mdash; unchecked exceptions
 * and errors as the same instance (with a suppressed marker exception holding the caller's stack),
 * checked exceptions wrapped in a {@link MorselFailedException}. Later failures are added to the
 * first as suppressed exceptions.
 *
 * <p>Cancellation: if the calling thread is interrupted while waiting, the run is cancelled the same
 * way (running morsels finish, the rest are skipped, {@code abort} is called) and {@code run} throws
 * a {@link CancellationException}, leaving the thread's interrupt status set. Closing the scheduler
 * during a run cancels it likewise.
 *
 * <p>Nested use: when {@code run} is called from a worker thread of this scheduler (for example from
 * inside {@link Sink#accept}), the morsels are run sequentially on the calling thread instead of
 * waiting for the pool, which could otherwise deadlock or reuse a busy local.
 *
 * <p>This class is thread-safe: several runs may share the pool concurrently.
 */
public final class MorselScheduler implements AutoCloseable {
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final int parallelism;
    private final ForkJoinPool pool;
    private final Set<Run<?, ?, ?>> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Creates a scheduler with its own pool of {@code parallelism} daemon worker threads named
     * {@code spillway-worker-N}.
     */
    public MorselScheduler(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1: " + parallelism);
        }
        this.parallelism = parallelism;
        // No spare threads: a worker that blocks (a join, a chunk being read back by another
        // worker) waits rather than having the pool start another morsel on a new thread, since
        // memory shares are split by parallelism. Saturation is allowed: blocking just waits.
        this.pool = new ForkJoinPool(parallelism, MorselScheduler::newWorker, null, false,
                parallelism, parallelism, 1, p -> true, 60, TimeUnit.SECONDS);
    }

    /** Creates a scheduler with {@link #defaultParallelism()} worker threads. */
    public MorselScheduler() {
        this(defaultParallelism());
    }

    private static ForkJoinWorkerThread newWorker(ForkJoinPool pool) {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("spillway-worker-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    /** The number of available processors, the default parallelism. */
    public static int defaultParallelism() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of worker threads. */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Runs every item with weight 1 and no progress reporting.
     *
     * @see #run(List, ToLongFunction, Sink, ProgressListener)
     */
    public <T, L, R> R run(List<T> items, Sink<T, L, R> sink) {
        return run(items, item -> 1L, sink, ProgressListener.NONE);
    }

    /**
     * Runs one morsel per item and returns {@link Sink#finish}'s result; see the class description
     * for ordering, failure and cancellation. The list must not change during the run.
     *
     * @param items    the items; morsel {@code seq} is the item's index
     * @param weight   each item's weight for progress (bytes, rows, ...); must not be negative
     * @param sink     the work
     * @param progress receives progress (calls are serialised)
     * @throws IllegalStateException if the scheduler is closed
     * @throws CancellationException if the calling thread was interrupted or the scheduler closed
     * @throws MorselFailedException if a morsel failed with a checked exception
     */
    public <T, L, R> R run(List<T> items, ToLongFunction<? super T> weight, Sink<T, L, R> sink,
                           ProgressListener progress) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(progress, "progress");
        checkOpen();
        @SuppressWarnings("unchecked")
        T[] array = (T[]) items.toArray();
        long[] weights = new long[array.length];
        long total = 0;
        for (int i = 0; i < array.length; i++) {
            long w = weight.applyAsLong(array[i]);
            if (w < 0) {
                throw new IllegalArgumentException("negative weight " + w + " for item " + i);
            }
            weights[i] = w;
            total = Math.addExact(total, w);
        }
        Run<T, L, R> run = new Run<>(array, weights, sink, progress);
        progress.onStart(total, array.length);
        if (array.length > 0) {
            if (Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool) {
                runSequentially(run);
            } else {
                runInPool(run);
            }
        }
        return run.complete();
    }

    private void runSequentially(Run<?, ?, ?> run) {
        for (int i = 0; i < run.items.length && !run.stopped; i++) {
            if (Thread.currentThread().isInterrupted()) {
                run.fail(-1, new CancellationException("morsel run cancelled: thread "
                        + Thread.currentThread().getName() + " was interrupted"));
                break;
            }
            run.runLeaf();
        }
    }

    private void runInPool(Run<?, ?, ?> run) {
        active.add(run);
        try {
            checkOpen();
            try {
                pool.execute(new RangeTask(run, run.items.length));
            } catch (RejectedExecutionException e) {
                throw new IllegalStateException("MorselScheduler is closed", e);
            }
            try {
                run.done.await();
            } catch (InterruptedException e) {
                run.fail(-1, new CancellationException("morsel run cancelled: thread "
                        + Thread.currentThread().getName() + " was interrupted"));
                awaitUninterruptibly(run.done);
                Thread.currentThread().interrupt();
            }
        } finally {
            active.remove(run);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("MorselScheduler is closed");
        }
    }

    /**
     * Shuts the pool down: runs in progress are cancelled (their callers get a
     * {@link CancellationException}), worker threads are interrupted and awaited briefly. Later runs
     * throw {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Run<?, ?, ?> run : active) {
            run.fail(-1, new CancellationException("morsel run cancelled: the scheduler was closed"));
        }
        pool.shutdownNow();
        boolean interrupted = false;
        try {
            pool.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // Tasks cancelled by shutdownNow never count down; release the callers still waiting.
        for (Run<?, ?, ?> run : active) {
            run.done.countDown();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "MorselScheduler[parallelism=" + parallelism + (closed ? ", closed]" : "]");
    }

    /**
     * A node of the fork/join tree over {@code count} leaf slots; each leaf runs the lowest unclaimed
     * morsel. Once the run is stopped, whole subtrees are skipped at once.
     */
    private static final class RangeTask extends RecursiveAction {
        private final Run<?, ?, ?> run;
        private final int count;

        RangeTask(Run<?, ?, ?> run, int count) {
            this.run = run;
            this.count = count;
        }

        @Override
        protected void compute() {
            if (run.stopped) {
                run.slotsDone(count);
            } else if (count == 1) {
                try {
                    run.runLeaf();
                } finally {
                    run.slotsDone(1);
                }
            } else {
                int half = count >>> 1;
                invokeAll(new RangeTask(run, half), new RangeTask(run, count - half));
            }
        }
    }

    /** The failure that stopped a run; {@code seq} is -1 for a cancellation. */
    private record Failure(int seq, Throwable error, Thread thread) {
    }

    /** The local of one thread; {@code busy} while that thread is inside {@code accept}. */
    private static final class Slot<L> {
        final L local;
        boolean busy;

        Slot(L local) {
            this.local = local;
        }
    }

    /** The shared state of one run. */
    private static final class Run<T, L, R> {
        final T[] items;
        final long[] weights;
        final Sink<T, L, R> sink;
        final ProgressListener progress;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Failure> failure = new AtomicReference<>();
        final Map<Thread, Slot<L>> slots = new ConcurrentHashMap<>();
        final List<L> locals = Collections.synchronizedList(new ArrayList<>());
        final Object progressLock = new Object();
        volatile boolean stopped;
        long doneWeight; // guarded by progressLock
        int doneMorsels; // guarded by progressLock

        Run(T[] items, long[] weights, Sink<T, L, R> sink, ProgressListener progress) {
            this.items = items;
            this.weights = weights;
            this.sink = sink;
            this.progress = progress;
            this.remaining = new AtomicInteger(items.length);
        }

        /** Claims the lowest unclaimed morsel and runs it, unless the run is stopped or done. */
        void runLeaf() {
            int seq = -1;
            try {
                if (stopped) {
                    return;
                }
                if (sink.isDone()) {
                    stopped = true;
                    return;
                }
                seq = next.getAndIncrement();
                if (seq >= items.length) {
                    return; // cannot happen: there are as many leaves as morsels
                }
                Thread thread = Thread.currentThread();
                Slot<L> slot = slots.get(thread);
                if (slot == null) {
                    slot = new Slot<>(sink.newLocal());
                    slots.put(thread, slot);
                    locals.add(slot.local);
                }
                Morsel<T> morsel = new Morsel<>(seq, items[seq], weights[seq]);
                if (slot.busy) {
                    // Re-entered while this thread's local is in use (a join inside accept ran
                    // another of our tasks): use a private local rather than corrupt the busy one.
                    L extra = sink.newLocal();
                    locals.add(extra);
                    sink.accept(extra, morsel);
                } else {
                    slot.busy = true;
                    try {
                        sink.accept(slot.local, morsel);
                    } finally {
                        slot.busy = false;
                    }
                }
                if (progress != ProgressListener.NONE) {
                    synchronized (progressLock) {
                        doneWeight += morsel.weight();
                        doneMorsels++;
                        progress.onProgress(doneWeight, doneMorsels);
                    }
                }
            } catch (Throwable e) {
                fail(seq, e);
            }
        }

        /** Records a failure: the first one wins, later ones are added to it as suppressed. */
        void fail(int seq, Throwable error) {
            Failure mine = new Failure(seq, error, Thread.currentThread());
            if (!failure.compareAndSet(null, mine)) {
                Throwable first = failure.get().error();
                if (first != error) {
                    first.addSuppressed(error);
                }
            }
            stopped = true;
        }

        void slotsDone(int count) {
            if (remaining.addAndGet(-count) == 0) {
                done.countDown();
            }
        }

        /** Called on the calling thread after all morsels: finish, or abort and rethrow. */
        R complete() {
            List<L> all;
            synchronized (locals) {
                all = Collections.unmodifiableList(new ArrayList<>(locals));
            }
            Failure f = failure.get();
            if (f == null) {
                R result;
                try {
                    result = sink.finish(all);
                } catch (Throwable e) {
                    try {
                        progress.onFinish(false);
                    } catch (Throwable again) {
                        if (again != e) {
                            e.addSuppressed(again);
                        }
                    }
                    throw e;
                }
                progress.onFinish(true);
                return result;
            }
            Throwable error = f.error();
            try {
                sink.abort(all);
            } catch (Throwable e) {
                if (e != error) {
                    error.addSuppressed(e);
                }
            }
            try {
                progress.onFinish(false);
            } catch (Throwable e) {
                if (e != error) {
                    error.addSuppressed(e);
                }
            }
            if (error instanceof RuntimeException || error instanceof Error) {
                if (f.thread() != Thread.currentThread()) {
                    error.addSuppressed(new Exception("rethrown on thread " + Thread.currentThread().getName()));
                }
                if (error instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) error;
            }
            throw new MorselFailedException(f.seq(), error);
        }
    }
}

package org.spillway.datasets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** A fixed pool of daemon threads for one generator operation; closing it stops the threads. */
final class Parallel implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads,
                Thread.ofPlatform().name("spillway-groupby-gen-", 1).daemon(true).factory());
    }

    int threads() {
        return threads;
    }

    /** Runs {@code task.accept(0 .. tasks - 1)} on the pool and waits for all; rethrows the first failure. */
    void run(int tasks, IntConsumer task) {
        if (pool == null || tasks == 1) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            int id = t;
            futures.add(pool.submit(() -> task.accept(id)));
        }
        try {
            for (Future<?> f : futures) {
                await(f);
            }
        } finally {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
        }
    }

    /** Runs {@code task} on the pool, or right away in the caller when there is a single thread. */
    <T> Future<T> submit(Callable<T> task) {
        if (pool != null) {
            return pool.submit(task);
        }
        java.util.concurrent.FutureTask<T> f = new java.util.concurrent.FutureTask<>(task);
        f.run();
        return f;
    }

    /** The result of {@code f}, with its failure rethrown unwrapped (checked exceptions wrapped unchecked). */
    static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while generating data");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                case IOException io -> throw new UncheckedIOException(io);
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Like {@link #await} but for I/O callers: I/O failures and interrupts become {@link IOException}s. */
    static <T> T awaitIo(Future<T> f) throws IOException {
        try {
            return await(f);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (CancellationException e) {
            throw new InterruptedIOException(e.getMessage());
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}

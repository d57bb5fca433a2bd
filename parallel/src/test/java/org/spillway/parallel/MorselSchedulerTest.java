package org.spillway.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class MorselSchedulerTest {

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** Sums the items; each local is a one-element array {sum, count}. */
    private static class SumSink implements Sink<Integer, long[], long[]> {
        final AtomicInteger created = new AtomicInteger();
        final AtomicIntegerArray seen;
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<long[]> finished;

        SumSink(int n) {
            seen = new AtomicIntegerArray(n);
        }

        @Override
        public long[] newLocal() {
            created.incrementAndGet();
            return new long[2];
        }

        @Override
        public void accept(long[] local, Morsel<Integer> morsel) {
            assertEquals(morsel.seq(), morsel.item().intValue());
            seen.incrementAndGet(morsel.seq());
            threads.add(Thread.currentThread());
            local[0] += morsel.item();
            local[1]++;
        }

        @Override
        public long[] finish(List<long[]> locals) {
            finished = locals;
            long sum = 0;
            long count = 0;
            for (long[] l : locals) {
                sum += l[0];
                count += l[1];
            }
            return new long[] {sum, count};
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void sumsAreIndependentOfParallelism(int parallelism) {
        int n = 10_000;
        try (var scheduler = new MorselScheduler(parallelism)) {
            assertEquals(parallelism, scheduler.parallelism());
            SumSink sink = new SumSink(n);
            long[] result = scheduler.run(range(n), sink);
            assertArrayEquals(new long[] {(long) n * (n - 1) / 2, n}, result);
            for (int i = 0; i < n; i++) {
                assertEquals(1, sink.seen.get(i), "morsel " + i + " runs exactly once");
            }
            assertTrue(sink.created.get() <= parallelism, "at most one local per worker: " + sink.created.get());
            assertEquals(sink.created.get(), sink.finished.size(), "every local is merged");
            assertTrue(sink.threads.size() <= parallelism);
            for (Thread t : sink.threads) {
                assertTrue(t.getName().startsWith("spillway-worker-"), t.getName());
                assertTrue(t.isDaemon());
            }
        }
    }

    @Test
    void everyLocalIsMergedAndNonEmpty() {
        int n = 2_000;
        try (var scheduler = new MorselScheduler(4)) {
            SumSink sink = new SumSink(n) {
                @Override
                public void accept(long[] local, Morsel<Integer> morsel) {
                    super.accept(local, morsel);
                    Thread.onSpinWait();
                }
            };
            long[] result = scheduler.run(range(n), sink);
            assertEquals(n, result[1]);
            assertTrue(sink.finished.size() <= 4);
            for (long[] local : sink.finished) {
                assertTrue(local[1] > 0, "a local is only created for a thread that runs a morsel");
            }
        }
    }

    @Test
    void emptyInputFinishesWithNoLocals() {
        try (var scheduler = new MorselScheduler(2)) {
            SumSink sink = new SumSink(0);
            assertArrayEquals(new long[] {0, 0}, scheduler.run(List.of(), sink));
            assertEquals(List.of(), sink.finished);
        }
    }

    /**
     * A morsel that blocks (here in {@code CompletableFuture.join}, as a chunk store's read-back
     * does) must not make the pool add spare threads: memory shares are split by parallelism, so
     * more concurrent morsels than that would overrun the budget.
     */
    @Test
    void blockingMorselsNeverRunOnMoreThreadsThanTheParallelism() {
        java.util.concurrent.ExecutorService outside = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (var scheduler = new MorselScheduler(2)) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            int n = 200;
            Integer ran = scheduler.run(range(n), new Sink<Integer, AtomicInteger, Integer>() {
                @Override
                public AtomicInteger newLocal() {
                    return new AtomicInteger();
                }

                @Override
                public void accept(AtomicInteger local, Morsel<Integer> morsel) {
                    threads.add(Thread.currentThread());
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        java.util.concurrent.CompletableFuture.runAsync(() -> {
                            try {
                                Thread.sleep(2);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }, outside).join();
                        local.incrementAndGet();
                    } finally {
                        running.decrementAndGet();
                    }
                }

                @Override
                public Integer finish(List<AtomicInteger> locals) {
                    return locals.stream().mapToInt(AtomicInteger::get).sum();
                }
            });
            assertEquals(n, ran);
            assertTrue(most.get() <= 2, "at most 2 morsels at once, saw " + most.get());
            assertTrue(threads.size() <= 2, "at most 2 worker threads, saw " + threads.size());
        } finally {
            outside.shutdownNow();
        }
    }

    @Test
    void twoLongMorselsRunConcurrently() {
        try (var scheduler = new MorselScheduler(2)) {
            CountDownLatch both = new CountDownLatch(2);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            Integer ran = scheduler.run(List.of("a", "b"), new Sink<String, AtomicInteger, Integer>() {
                @Override
                public AtomicInteger newLocal() {
                    return new AtomicInteger();
                }

                @Override
                public void accept(AtomicInteger local, Morsel<String> morsel) throws Exception {
                    threads.add(Thread.currentThread());
                    both.countDown();
                    if (!both.await(20, TimeUnit.SECONDS)) {
                        throw new AssertionError("morsel " + morsel.seq() + " ran alone");
                    }
                    local.incrementAndGet();
                }

                @Override
                public Integer finish(List<AtomicInteger> locals) {
                    return locals.stream().mapToInt(AtomicInteger::get).sum();
                }
            });
            assertEquals(2, ran);
            assertEquals(2, threads.size());
        }
    }

    /** A sink that counts started morsels, fails on one, and records abort/finish. */
    private static class FailingSink implements Sink<Integer, List<Integer>, Integer> {
        final int failAt;
        final Exception toThrow;
        final AtomicInteger started = new AtomicInteger();
        final AtomicBoolean finished = new AtomicBoolean();
        final AtomicReference<List<List<Integer>>> aborted = new AtomicReference<>();
        final AtomicInteger created = new AtomicInteger();

        FailingSink(int failAt, Exception toThrow) {
            this.failAt = failAt;
            this.toThrow = toThrow;
        }

        @Override
        public List<Integer> newLocal() {
            created.incrementAndGet();
            return new ArrayList<>();
        }

        @Override
        public void accept(List<Integer> local, Morsel<Integer> morsel) throws Exception {
            started.incrementAndGet();
            local.add(morsel.seq());
            if (morsel.seq() == failAt) {
                throw toThrow;
            }
            Thread.sleep(1);
        }

        @Override
        public Integer finish(List<List<Integer>> locals) {
            finished.set(true);
            return 0;
        }

        @Override
        public void abort(List<List<Integer>> locals) {
            aborted.set(locals);
        }
    }

    @Test
    void firstFailureIsRethrownAsTheSameInstanceAndCancelsTheRest() {
        int n = 1_000;
        try (var scheduler = new MorselScheduler(2)) {
            IllegalStateException boom = new IllegalStateException("boom");
            FailingSink sink = new FailingSink(10, boom);
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> scheduler.run(range(n), sink));
            assertSame(boom, thrown);
            assertTrue(sink.started.get() < n, "later morsels are skipped: " + sink.started.get());
            assertTrue(sink.started.get() <= 10 + 1 + 2, "started " + sink.started.get());
            assertFalse(sink.finished.get(), "finish is not called on failure");
            assertNotNull(sink.aborted.get(), "abort is called on failure");
            assertEquals(sink.created.get(), sink.aborted.get().size(), "abort gets every local");
            assertTrue(Arrays.stream(thrown.getSuppressed())
                            .anyMatch(s -> s.getMessage() != null && s.getMessage().startsWith("rethrown on thread")),
                    "the caller's stack is attached");
            // the scheduler stays usable after a failure
            assertArrayEquals(new long[] {45, 10}, scheduler.run(range(10), new SumSink(10)));
        }
    }

    @Test
    void errorsAreRethrownAsThemselves() {
        try (var scheduler = new MorselScheduler(2)) {
            class MyError extends Error {
            }
            MyError error = new MyError();
            Sink<Integer, Object, Object> sink = new Sink<>() {
                @Override
                public Object newLocal() {
                    return new Object();
                }

                @Override
                public void accept(Object local, Morsel<Integer> morsel) {
                    if (morsel.seq() == 3) {
                        throw error;
                    }
                }

                @Override
                public Object finish(List<Object> locals) {
                    return null;
                }
            };
            assertSame(error, assertThrows(MyError.class, () -> scheduler.run(range(100), sink)));
        }
    }

    @Test
    void checkedExceptionIsWrappedWithItsCause() {
        try (var scheduler = new MorselScheduler(2)) {
            IOException io = new IOException("disk gone");
            FailingSink sink = new FailingSink(3, io);
            MorselFailedException e = assertThrows(MorselFailedException.class, () -> scheduler.run(range(100), sink));
            assertSame(io, e.getCause());
            assertEquals(3, e.seq());
            assertTrue(e.getMessage().contains("morsel 3"), e.getMessage());
            assertNotNull(sink.aborted.get());
        }
    }

    @Test
    void failureInNewLocalFailsTheRun() {
        try (var scheduler = new MorselScheduler(2)) {
            RuntimeException boom = new RuntimeException("no memory for a local");
            AtomicBoolean aborted = new AtomicBoolean();
            Sink<Integer, Object, Object> sink = new Sink<>() {
                @Override
                public Object newLocal() {
                    throw boom;
                }

                @Override
                public void accept(Object local, Morsel<Integer> morsel) {
                    throw new AssertionError("never");
                }

                @Override
                public Object finish(List<Object> locals) {
                    throw new AssertionError("never");
                }

                @Override
                public void abort(List<Object> locals) {
                    aborted.set(true);
                    assertEquals(List.of(), locals);
                }
            };
            assertSame(boom, assertThrows(RuntimeException.class, () -> scheduler.run(range(10), sink)));
            assertTrue(aborted.get());
        }
    }

    @Test
    void laterFailuresAreSuppressed() {
        try (var scheduler = new MorselScheduler(2)) {
            CountDownLatch both = new CountDownLatch(2);
            Sink<Integer, Object, Object> sink = new Sink<>() {
                @Override
                public Object newLocal() {
                    return new Object();
                }

                @Override
                public void accept(Object local, Morsel<Integer> morsel) throws Exception {
                    both.countDown();
                    both.await(20, TimeUnit.SECONDS);
                    throw new IllegalArgumentException("failure " + morsel.seq());
                }

                @Override
                public Object finish(List<Object> locals) {
                    return null;
                }
            };
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> scheduler.run(range(2), sink));
            assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(s -> s instanceof IllegalArgumentException),
                    Arrays.toString(e.getSuppressed()));
        }
    }

    @Test
    void abortFailureIsSuppressed() {
        try (var scheduler = new MorselScheduler(2)) {
            RuntimeException boom = new RuntimeException("boom");
            RuntimeException abortBoom = new RuntimeException("abort failed");
            FailingSink sink = new FailingSink(0, boom) {
                @Override
                public void abort(List<List<Integer>> locals) {
                    throw abortBoom;
                }
            };
            RuntimeException e = assertThrows(RuntimeException.class, () -> scheduler.run(range(5), sink));
            assertSame(boom, e);
            assertTrue(List.of(e.getSuppressed()).contains(abortBoom));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void isDoneStopsEarlyAndMorselsStartInOrder(int parallelism) {
        int n = 10_000;
        int limit = 100;
        try (var scheduler = new MorselScheduler(parallelism)) {
            AtomicInteger processed = new AtomicInteger();
            Set<Integer> seqs = ConcurrentHashMap.newKeySet();
            Sink<Integer, Object, Integer> sink = new Sink<>() {
                @Override
                public Object newLocal() {
                    return new Object();
                }

                @Override
                public void accept(Object local, Morsel<Integer> morsel) {
                    seqs.add(morsel.seq());
                    processed.incrementAndGet();
                }

                @Override
                public boolean isDone() {
                    return processed.get() >= limit;
                }

                @Override
                public Integer finish(List<Object> locals) {
                    return processed.get();
                }
            };
            int result = scheduler.run(range(n), sink);
            assertTrue(result >= limit && result < limit + 2 * parallelism + 1, "processed " + result);
            // morsels start in input order: the processed ones are a prefix of the input
            for (int i = 0; i < result; i++) {
                assertTrue(seqs.contains(i), "missing morsel " + i);
            }
        }
    }

    @Test
    void progressReachesTheTotalWeightWithSerialisedCalls() {
        int n = 5_000;
        try (var scheduler = new MorselScheduler(4)) {
            long[] events = new long[4]; // start total, start morsels, last done weight, last done morsels
            List<Boolean> finishes = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean inside = new AtomicBoolean();
            AtomicBoolean overlapped = new AtomicBoolean();
            AtomicBoolean decreasing = new AtomicBoolean();
            ProgressListener listener = new ProgressListener() {
                long calls; // deliberately not thread-safe: the scheduler serialises calls

                @Override
                public void onStart(long totalWeight, int morsels) {
                    events[0] = totalWeight;
                    events[1] = morsels;
                }

                @Override
                public void onProgress(long doneWeight, int doneMorsels) {
                    if (!inside.compareAndSet(false, true)) {
                        overlapped.set(true);
                    }
                    if (doneWeight < events[2] || doneMorsels != calls + 1) {
                        decreasing.set(true);
                    }
                    calls++;
                    events[2] = doneWeight;
                    events[3] = doneMorsels;
                    inside.set(false);
                }

                @Override
                public void onFinish(boolean success) {
                    finishes.add(success);
                }
            };
            long[] result = scheduler.run(range(n), i -> i * 3L, new SumSink(n), listener);
            long total = 3L * n * (n - 1) / 2;
            assertEquals(n, result[1]);
            assertEquals(total, events[0]);
            assertEquals(n, events[1]);
            assertEquals(total, events[2]);
            assertEquals(n, events[3]);
            assertFalse(overlapped.get(), "progress calls overlap");
            assertFalse(decreasing.get(), "progress went backwards");
            assertEquals(List.of(true), finishes);

            finishes.clear();
            assertThrows(IllegalStateException.class,
                    () -> scheduler.run(range(10), i -> 1, new FailingSink(2, new IllegalStateException()), listener));
            assertEquals(List.of(false), finishes);
        }
    }

    @Test
    void nestedRunOnAWorkerRunsSequentially() {
        try (var scheduler = new MorselScheduler(2)) {
            Sink<Integer, long[], Long> outer = new Sink<>() {
                @Override
                public long[] newLocal() {
                    return new long[1];
                }

                @Override
                public void accept(long[] local, Morsel<Integer> morsel) {
                    SumSink inner = new SumSink(100);
                    long[] r = scheduler.run(range(100), inner);
                    assertEquals(Set.of(Thread.currentThread()), inner.threads, "nested morsels run on the caller");
                    local[0] += r[0];
                }

                @Override
                public Long finish(List<long[]> locals) {
                    return locals.stream().mapToLong(l -> l[0]).sum();
                }
            };
            long result = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> scheduler.run(range(50), outer));
            assertEquals(50L * 4950, result);
        }
    }

    @Test
    void interruptingTheCallerCancelsTheRun() throws Exception {
        try (var scheduler = new MorselScheduler(2)) {
            int n = 100;
            CountDownLatch twoStarted = new CountDownLatch(2);
            CountDownLatch gate = new CountDownLatch(1);
            AtomicInteger started = new AtomicInteger();
            AtomicBoolean aborted = new AtomicBoolean();
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Sink<Integer, Object, Object> sink = new Sink<>() {
                @Override
                public Object newLocal() {
                    return new Object();
                }

                @Override
                public void accept(Object local, Morsel<Integer> morsel) throws Exception {
                    started.incrementAndGet();
                    twoStarted.countDown();
                    gate.await();
                }

                @Override
                public Object finish(List<Object> locals) {
                    return "finished";
                }

                @Override
                public void abort(List<Object> locals) {
                    aborted.set(true);
                }
            };
            Thread caller = new Thread(() -> {
                try {
                    scheduler.run(range(n), sink);
                } catch (Throwable t) {
                    outcome.set(t);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            caller.start();
            assertTrue(twoStarted.await(20, TimeUnit.SECONDS));
            caller.interrupt();
            Thread.sleep(50);
            gate.countDown();
            caller.join(20_000);
            assertFalse(caller.isAlive());
            assertInstanceOf(CancellationException.class, outcome.get());
            assertTrue(aborted.get());
            assertTrue(stillInterrupted.get(), "the interrupt status is kept");
            assertTrue(started.get() < n, "started " + started.get());
        }
    }

    @Test
    void runAfterCloseThrows() {
        var scheduler = new MorselScheduler(2);
        assertArrayEquals(new long[] {3, 3}, scheduler.run(range(3), new SumSink(3)));
        scheduler.close();
        scheduler.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> scheduler.run(range(3), new SumSink(3)));
    }

    @Test
    void closeDuringARunCancelsIt() throws Exception {
        var scheduler = new MorselScheduler(2);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Sink<Integer, Object, Object> sink = new Sink<>() {
            @Override
            public Object newLocal() {
                return new Object();
            }

            @Override
            public void accept(Object local, Morsel<Integer> morsel) throws Exception {
                started.countDown();
                Thread.sleep(10_000); // interrupted by close
            }

            @Override
            public Object finish(List<Object> locals) {
                return null;
            }
        };
        Thread caller = new Thread(() -> {
            try {
                scheduler.run(range(100), sink);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        caller.start();
        assertTrue(started.await(20, TimeUnit.SECONDS));
        scheduler.close();
        caller.join(20_000);
        assertFalse(caller.isAlive());
        assertInstanceOf(CancellationException.class, outcome.get());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new MorselScheduler(0));
        assertThrows(IllegalArgumentException.class, () -> new Morsel<>(-1, "x", 0));
        assertThrows(IllegalArgumentException.class, () -> new Morsel<>(0, "x", -1));
        assertTrue(MorselScheduler.defaultParallelism() >= 1);
        try (var scheduler = new MorselScheduler(1)) {
            assertThrows(IllegalArgumentException.class,
                    () -> scheduler.run(range(3), i -> -1, new SumSink(3), ProgressListener.NONE));
        }
    }
}

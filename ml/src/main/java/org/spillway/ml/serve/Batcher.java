package org.spillway.ml.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The request queue of one deployment and the thread that empties it in micro-batches. The queue holds at most
 * {@code maxQueuedRequests} requests (a full queue refuses the request: backpressure, bounded memory). The thread
 * takes the first waiting request, then more while the batch has fewer than {@code maxBatchSize} rows, waiting for
 * more up to {@code maxBatchDelay} only while requests for this model are still being read ({@link #arriving}), so
 * a lone client is not delayed; scores the batch in one call and completes every request's future with its rows'
 * outputs. A batch that fails is scored again request by request, so a bad request fails alone.
 *
 * <p>{@link #close()} stops new requests ({@link Offer#CLOSED}: the caller retries on the model's newer deployment);
 * the thread still scores everything queued before it ends, so a hot swap or a stop drops nothing.
 */
final class Batcher {
    /** The outcome of {@link #submit}. */
    enum Offer { ACCEPTED, FULL, CLOSED }

    /** One queued request: its rows and the future of their outputs. */
    record Pending(List<Object[]> rows, CompletableFuture<List<Object[]>> result) {
    }

    /** Requests for this model whose bodies are being read or decoded, not yet queued. */
    final AtomicInteger arriving = new AtomicInteger();

    private final Deployment deployment;
    private final ArrayBlockingQueue<Pending> queue;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final ServeMetrics metrics;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final Thread thread;
    private volatile boolean closed;

    Batcher(Deployment deployment, ModelServer.Settings s, ServeMetrics metrics) {
        this.deployment = deployment;
        this.queue = new ArrayBlockingQueue<>(s.maxQueuedRequests());
        this.maxBatchSize = s.maxBatchSize();
        this.maxDelayNanos = s.maxBatchDelay().toNanos();
        this.metrics = metrics;
        this.thread = Thread.ofPlatform().daemon().name("spillway-serve-" + deployment.name + "-v" + deployment.version).start(this::loop);
    }

    /** Queues {@code p} unless the queue is full or this batcher is closed. */
    Offer submit(Pending p) {
        gate.readLock().lock();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            return queue.offer(p) ? Offer.ACCEPTED : Offer.FULL;
        } finally {
            gate.readLock().unlock();
        }
    }

    /** The number of queued requests. */
    int queued() {
        return queue.size();
    }

    /** Takes no more requests; the queued ones are still scored. */
    void close() {
        gate.writeLock().lock();
        try {
            closed = true;
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** Waits up to {@code millis} for the thread to score what was queued and end; true if it ended. */
    boolean awaitDrained(long millis) throws InterruptedException {
        return thread.join(java.time.Duration.ofMillis(Math.max(1, millis)));
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        try {
            while (true) {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.clear();
                batch.add(first);
                int rows = first.rows().size();
                long deadline = System.nanoTime() + maxDelayNanos;
                while (rows < maxBatchSize) {
                    Pending next = queue.peek();
                    if (next == null) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0 || arriving.get() == 0) {
                            break;
                        }
                        next = queue.poll(Math.min(left, 200_000), TimeUnit.NANOSECONDS);
                        if (next == null) {
                            continue;
                        }
                        if (rows + next.rows().size() > maxBatchSize) {
                            // too big to join this batch: score it alone, right after
                            score(batch);
                            batch.clear();
                            batch.add(next);
                            rows = next.rows().size();
                            deadline = System.nanoTime() + maxDelayNanos;
                            continue;
                        }
                    } else {
                        if (rows + next.rows().size() > maxBatchSize) {
                            break;
                        }
                        queue.poll();
                    }
                    batch.add(next);
                    rows += next.rows().size();
                }
                score(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (Pending p : batch) {
                p.result().completeExceptionally(e);
            }
            Pending p;
            while ((p = queue.poll()) != null) {
                p.result().completeExceptionally(new BadRequest(503, "the server stopped before scoring this request"));
            }
        }
    }

    private void score(List<Pending> batch) {
        if (batch.size() == 1) {
            scoreOne(batch.getFirst());
            return;
        }
        List<Object[]> all = new ArrayList<>();
        for (Pending p : batch) {
            all.addAll(p.rows());
        }
        List<Object[]> out;
        try {
            out = deployment.score(all);
        } catch (RuntimeException | OutOfMemoryError e) {
            // one bad request must not fail the others: score each alone
            for (Pending p : batch) {
                scoreOne(p);
            }
            return;
        }
        metrics.batch(deployment.name, all.size());
        int at = 0;
        for (Pending p : batch) {
            int n = p.rows().size();
            p.result().complete(out.subList(at, at + n));
            at += n;
        }
    }

    private void scoreOne(Pending p) {
        try {
            List<Object[]> out = deployment.scoreRequest(p.rows());
            metrics.batch(deployment.name, p.rows().size());
            p.result().complete(out);
        } catch (RuntimeException | OutOfMemoryError e) {
            p.result().completeExceptionally(e);
        }
    }
}

package org.spillway.frame.exec.pipeline;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Named counters that operators add to as they run, for tests and tuning: for example
 * {@code join.partitioned} (joins that went out of core), {@code join.partitionBytes} (bytes of
 * partition chunks written), {@code join.pieces} (build pieces of a skewed partition). Thread-safe.
 */
public final class Counters {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    /** Adds {@code delta} to counter {@code name}. */
    public void add(String name, long delta) {
        counters.computeIfAbsent(name, k -> new LongAdder()).add(delta);
    }

    /** The value of counter {@code name} (0 if never added to). */
    public long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    /** A sorted copy of all counters. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}

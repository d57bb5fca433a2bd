package org.spillway.frame.io.parquet;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The footers of a set of Parquet files, each read on first use and then kept: the scans of one table
 * snapshot share them, so a frame queried twice (or with another filter) does not read a footer again,
 * and a file no scan needs is never opened. Thread-safe. Holds each footer read on the heap (a few KiB
 * per file, more with many row groups or columns) for as long as the cache is reachable.
 */
public final class ParquetFooters {
    private final ConcurrentHashMap<Path, ParquetFile> footers = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();

    /** An empty cache. */
    public ParquetFooters() {
    }

    /** The footer of {@code path}, read now if it has not been yet (two threads may both read it once). */
    ParquetFile get(Path path) {
        ParquetFile f = footers.get(path);
        if (f == null) {
            f = ParquetFile.open(path);
            reads.incrementAndGet();
            ParquetFile raced = footers.putIfAbsent(path, f);
            if (raced != null) {
                f = raced;
            }
        }
        return f;
    }

    /** How many footers have been read from disk so far (each file once, unless two threads raced for it). */
    public long reads() {
        return reads.get();
    }

    /** True if the footer of {@code path} has been read. */
    public boolean contains(Path path) {
        return footers.containsKey(path);
    }
}

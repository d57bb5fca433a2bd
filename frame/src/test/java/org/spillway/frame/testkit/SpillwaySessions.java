package org.spillway.frame.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.spillway.frame.Spillway;

/**
 * Opens test sessions and closes them all at once: what {@link SpillwaySessionExtension} hands a
 * test that needs settings only known at run time (a parameterized memory limit or parallelism)
 * or more than one session. Sessions spill into one temporary directory, which
 * {@link #close()} checks is empty and deletes.
 *
 * <p>Not thread-safe: tests open their sessions on the test thread.
 */
public final class SpillwaySessions implements AutoCloseable {
    private final Settings defaults;
    private final Path spillRoot;
    private final List<Spillway> open = new ArrayList<>();
    private boolean closed;

    /**
     * The settings of a session.
     *
     * @param memoryLimit the memory budget, e.g. {@code "64m"}
     * @param parallelism worker threads, 0 for the session's default (every core)
     * @param chunkRows target rows per chunk, 0 for the session's default
     */
    public record Settings(String memoryLimit, int parallelism, int chunkRows) {
        /** The settings an annotation asks for. */
        public static Settings of(SpillwayTest a) {
            return new Settings(a.memoryLimit(), a.parallelism(), a.chunkRows());
        }

        /** These settings with another memory budget. */
        public Settings withMemoryLimit(String limit) {
            return new Settings(limit, parallelism, chunkRows);
        }

        /** These settings with another parallelism (0 for the session's default). */
        public Settings withParallelism(int n) {
            return new Settings(memoryLimit, n, chunkRows);
        }

        /** These settings with another chunk size (0 for the session's default). */
        public Settings withChunkRows(int rows) {
            return new Settings(memoryLimit, parallelism, rows);
        }

        @Override
        public String toString() {
            return memoryLimit + (parallelism > 0 ? ", parallelism " + parallelism : "") + (chunkRows > 0 ? ", " + chunkRows + "-row chunks" : "");
        }
    }

    /** Sessions with {@code defaults}, spilling into a fresh temporary directory. */
    public SpillwaySessions(Settings defaults) {
        this.defaults = defaults;
        try {
            this.spillRoot = Files.createTempDirectory("spillway-test-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The settings {@link #open()} uses. */
    public Settings defaults() {
        return defaults;
    }

    /** The directory every session of this set spills into (each in its own subdirectory). */
    public Path spillRoot() {
        return spillRoot;
    }

    /** A session with the default settings. */
    public Spillway open() {
        return open(defaults);
    }

    /** A session with the default settings but this memory budget and parallelism. */
    public Spillway open(String memoryLimit, int parallelism) {
        return open(defaults.withMemoryLimit(memoryLimit).withParallelism(parallelism));
    }

    /** A session with this memory budget, parallelism and chunk size (0 for the session's defaults). */
    public Spillway open(String memoryLimit, int parallelism, int chunkRows) {
        return open(new Settings(memoryLimit, parallelism, chunkRows));
    }

    /** A session with {@code settings}. */
    public Spillway open(Settings settings) {
        return open(settings, b -> b);
    }

    /**
     * A session with {@code settings}, then {@code more} applied to its builder: for the few
     * options the settings do not cover (for example a spill disk limit). Progress bars are off
     * and spill files go under {@link #spillRoot()} unless {@code more} says otherwise.
     */
    public Spillway open(Settings settings, UnaryOperator<Spillway.Builder> more) {
        if (closed) {
            throw new IllegalStateException("these sessions are closed");
        }
        Spillway.Builder b = Spillway.builder().memoryLimit(settings.memoryLimit()).spillDir(spillRoot).progress(false);
        if (settings.parallelism() > 0) {
            b.parallelism(settings.parallelism());
        }
        if (settings.chunkRows() > 0) {
            b.chunkRows(settings.chunkRows());
        }
        Spillway sw = more.apply(b).build();
        open.add(sw);
        return sw;
    }

    /**
     * Closes every session (newest first, as try-with-resources would), then checks that no
     * spill file is left and deletes the directory. Throws the first failure, the others added as
     * suppressed: a session's close fails if chunks were still pinned or memory still reserved.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Throwable first = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (RuntimeException | Error e) {
                first = add(first, e);
            }
        }
        open.clear();
        try {
            List<Path> left;
            try (Stream<Path> s = Files.walk(spillRoot)) {
                left = s.filter(Files::isRegularFile).toList();
            }
            if (!left.isEmpty() && first == null) {
                first = new AssertionError("spill files left behind after close: " + left);
            }
            try (Stream<Path> s = Files.walk(spillRoot)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (java.io.IOException e) {
            first = add(first, new java.io.UncheckedIOException(e));
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
    }

    private static Throwable add(Throwable first, Throwable e) {
        if (first == null) {
            return e;
        }
        first.addSuppressed(e);
        return first;
    }
}

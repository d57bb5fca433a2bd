package org.spillway.spill.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spillway.spill.memory.MemoryBudget;

/**
 * This process's private directory of spill files, {@code <base>/spillway-<pid>-<random>/}.
 *
 * <p>Lifecycle: {@link #create} makes the directory, checks it is writable and first sweeps stale
 * siblings ({@code spillway-<pid>-*} directories of processes that are no longer alive, i.e. left
 * behind by a crash). {@link #close()} deletes every file and the directory; directories still open
 * when the JVM exits are deleted by one shared shutdown hook.
 *
 * <p>An optional disk limit caps the bytes of all live files together; a write past it fails with a
 * {@link SpillException}. Thread-safe.
 */
public final class SpillDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpillDirectory.class);
    private static final String PREFIX = "spillway-";
    private static final Pattern NAME = Pattern.compile("spillway-(\\d{1,18})-.+");

    private final Path path;
    private final long maxDiskBytes;
    private final AtomicLong diskBytes = new AtomicLong();
    private final Set<SpillFile> files = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The one JVM shutdown hook, registered when the first directory is created. */
    private static final class ShutdownCleanup {
        static final Set<SpillDirectory> OPEN = ConcurrentHashMap.newKeySet();

        static {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(ShutdownCleanup::run, "spillway-spill-cleanup"));
            } catch (IllegalStateException alreadyShuttingDown) {
                // nothing to register: the JVM is exiting
            }
        }

        private static void run() {
            for (SpillDirectory d : OPEN) {
                deleteTree(d.path);
            }
        }
    }

    private SpillDirectory(Path path, long maxDiskBytes) {
        this.path = path;
        this.maxDiskBytes = maxDiskBytes;
    }

    /** Creates a spill directory under {@code base} with no disk limit. */
    public static SpillDirectory create(Path base) {
        return create(base, 0);
    }

    /**
     * Creates a spill directory under {@code base} (created if missing), after deleting stale
     * directories of dead processes there.
     *
     * @param maxDiskBytes the most bytes all its files may hold together; 0 or negative = unlimited
     * @throws SpillException naming the path if it cannot be created or written
     */
    public static SpillDirectory create(Path base, long maxDiskBytes) {
        Path root = base.toAbsolutePath().normalize();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new SpillException("Spill base " + root + " exists but is not a directory: point spillDir(...) at a directory");
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new SpillException("Cannot create the spill base directory " + root + " (" + describe(e)
                    + "): point spillDir(...) at a writable directory", e);
        }
        sweepStale(root);
        long pid = ProcessHandle.current().pid();
        Path dir = null;
        for (int attempt = 0; dir == null; attempt++) {
            byte[] rnd = new byte[4];
            ThreadLocalRandom.current().nextBytes(rnd);
            Path candidate = root.resolve(PREFIX + pid + "-" + HexFormat.of().formatHex(rnd));
            try {
                dir = Files.createDirectory(candidate);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 20) {
                    throw new SpillException("Cannot create a unique spill directory in " + root, e);
                }
            } catch (IOException e) {
                throw new SpillException("Spill base directory " + root + " is not writable (" + describe(e)
                        + "): point spillDir(...) at a writable directory", e);
            }
        }
        Path probe = dir.resolve(".write-probe");
        try {
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
        } catch (IOException e) {
            deleteTree(dir);
            throw new SpillException("Spill directory " + dir + " is not writable (" + describe(e)
                    + "): point spillDir(...) at a writable directory", e);
        }
        SpillDirectory d = new SpillDirectory(dir, maxDiskBytes);
        ShutdownCleanup.OPEN.add(d);
        return d;
    }

    /** The directory holding the files. */
    public Path path() {
        return path;
    }

    /** The disk limit in bytes, or 0 or negative when unlimited. */
    public long maxDiskBytes() {
        return maxDiskBytes;
    }

    /** Bytes written to the files still open (what counts against the disk limit). */
    public long bytesOnDisk() {
        return diskBytes.get();
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Creates a new empty spill file {@code spill-<consumer>-<uuid>.lz4}. The consumer name is
     * reduced to file-name-safe characters.
     *
     * @throws IllegalStateException if this directory is closed
     * @throws SpillException if the file cannot be created
     */
    public SpillFile newFile(String consumer) {
        checkOpen();
        Path p = path.resolve("spill-" + sanitize(consumer) + "-" + UUID.randomUUID() + ".lz4");
        SpillFile f = SpillFile.open(this, p);
        files.add(f);
        if (closed.get()) {
            f.close();
            checkOpen();
        }
        return f;
    }

    /**
     * Deletes every file and the directory itself; idempotent.
     *
     * @throws SpillException if the directory could not be removed
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ShutdownCleanup.OPEN.remove(this);
        for (SpillFile f : List.copyOf(files)) {
            try {
                f.close();
            } catch (SpillException e) {
                LOG.warn("Could not delete spill file {}: {}", f.path(), e.getMessage());
            }
        }
        deleteTree(path);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new SpillException("Could not delete spill directory " + path + ": remove it by hand");
        }
    }

    /** Charges {@code bytes} about to be written to {@code file} against the disk limit. */
    void reserveDisk(long bytes, Path file) {
        if (maxDiskBytes <= 0) {
            diskBytes.addAndGet(bytes);
            return;
        }
        while (true) {
            long cur = diskBytes.get();
            if (cur + bytes > maxDiskBytes) {
                throw new SpillException("Spill disk limit reached: writing " + MemoryBudget.formatBytes(bytes)
                        + " to " + file + " would exceed the limit of " + MemoryBudget.formatBytes(maxDiskBytes)
                        + " (" + MemoryBudget.formatBytes(cur) + " already spilled in " + path + "). "
                        + "Raise it with Spillway.builder().maxSpillDisk(...), free collected frames with unpersist(), "
                        + "or raise the memory limit so less spills.");
            }
            if (diskBytes.compareAndSet(cur, cur + bytes)) {
                return;
            }
        }
    }

    /** Returns bytes charged by {@link #reserveDisk} (a failed write or a closed file). */
    void releaseDisk(long bytes) {
        diskBytes.addAndGet(-bytes);
    }

    /** Called by a file once it is closed and deleted. */
    void fileClosed(SpillFile file, long bytes) {
        if (files.remove(file)) {
            releaseDisk(bytes);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Spill directory " + path + " is closed");
        }
    }

    private static String sanitize(String consumer) {
        String s = consumer == null ? "anon" : consumer.replaceAll("[^A-Za-z0-9._-]", "_");
        if (s.isEmpty()) {
            s = "anon";
        }
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    /** Deletes {@code spillway-<pid>-*} directories in {@code root} whose process is gone. */
    private static void sweepStale(Path root) {
        long self = ProcessHandle.current().pid();
        long bytes = 0;
        int dirs = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if (pid != self && ProcessHandle.of(pid).isEmpty()) {
                    bytes += deleteTree(p);
                    dirs++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not scan {} for stale spill directories: {}", root, describe(e));
        }
        if (dirs > 0) {
            LOG.info("Removed {} stale spill director{} ({}) left by dead processes in {}",
                    dirs, dirs == 1 ? "y" : "ies", MemoryBudget.formatBytes(bytes), root);
        }
    }

    /** Deletes a tree as far as it can; returns the bytes of the files deleted. */
    static long deleteTree(Path root) {
        long[] bytes = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    try {
                        Files.deleteIfExists(file);
                        bytes[0] += attrs.size();
                    } catch (IOException e) {
                        LOG.debug("Could not delete {}: {}", file, describe(e));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (IOException ex) {
                        LOG.debug("Could not delete {}: {}", dir, describe(ex));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            LOG.debug("Could not delete {}: {}", root, describe(e));
        }
        return bytes[0];
    }

    static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public String toString() {
        return "SpillDirectory[" + path + ", " + MemoryBudget.formatBytes(diskBytes.get()) + " on disk]";
    }
}

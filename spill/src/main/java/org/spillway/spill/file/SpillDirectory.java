package org.spillway.spill.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
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
 * siblings (left behind by a crash). {@link #close()} deletes every file and the directory; directories
 * still open when the JVM exits are deleted by one shared shutdown hook.
 *
 * <p><b>Ownership by lock.</b> The owner holds an OS file lock on {@code .owner.lock} in its directory for as
 * long as the directory is open; the kernel drops the lock when the process dies however it dies
 * ({@code kill -9} included). A sweep deletes exactly the sibling directories whose lock it can take, so a
 * crashed session is found even when a new JVM has its PID (PID 1 in containers), and a live session in
 * another PID namespace sharing the base is never touched (the PID in the name is for people only). A
 * directory without a lock file (being created, or written by a version before locks) is stale only once
 * it is {@value #UNLOCKED_GRACE_SECONDS} seconds old and its PID is not alive. Files staged outside the
 * directory (a {@code writeCsv} or {@code writeParquet} target before its atomic rename) are recorded with
 * {@link #stage}, and the sweep of a dead owner's directory deletes them too.
 *
 * <p>An optional disk limit caps the bytes of all live files together; a write past it fails with a
 * {@link SpillException}. Thread-safe.
 */
public final class SpillDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpillDirectory.class);
    private static final String PREFIX = "spillway-";
    private static final Pattern NAME = Pattern.compile("spillway-(\\d{1,18})-.+");
    /** The lock file the owner holds. */
    static final String LOCK = ".owner.lock";
    /** Seconds before a directory without a lock file may be swept (it may be being created). */
    static final int UNLOCKED_GRACE_SECONDS = 300;
    private static final String STAGED = "staged-";

    private final Path path;
    private final long maxDiskBytes;
    private final AtomicLong diskBytes = new AtomicLong();
    private final Set<SpillFile> files = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final FileChannel lockChannel;
    private final FileLock lock;

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
                removeDead(d.path); // its staged outputs too: no writer finishes once the JVM exits
            }
        }
    }

    private SpillDirectory(Path path, long maxDiskBytes, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.maxDiskBytes = maxDiskBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
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
        FileChannel ch = null;
        FileLock lock;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            lock = ch.tryLock();
            if (lock == null) {
                throw new IOException("the new directory's lock is held by another process");
            }
            ch.write(java.nio.ByteBuffer.wrap(("pid " + pid + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            deleteTree(dir);
            throw new SpillException("Spill directory " + dir + " is not writable or cannot be locked ("
                    + (e instanceof IOException io ? describe(io) : e.toString()) + "): point spillDir(...) at a writable local directory", e);
        }
        SpillDirectory d = new SpillDirectory(dir, maxDiskBytes, ch, lock);
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
        for (Path staged : stagedPaths(path)) {
            deleteTree(staged); // staged outputs not committed or aborted by now (their writer failed to clean up)
        }
        deleteTree(path);
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
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

    /**
     * Records that {@code staged} (a temporary file or directory beside an output, renamed into place on success) belongs
     * to this directory's owner: if the owner dies before {@link Staged#close()}, the sweep that removes this directory
     * deletes it. Close the returned handle once the output is committed or the staged path removed.
     */
    public Staged stage(Path staged) {
        checkOpen();
        Path marker = path.resolve(STAGED + UUID.randomUUID());
        try {
            Files.writeString(marker, staged.toAbsolutePath().normalize().toString());
        } catch (IOException e) {
            throw new SpillException("Cannot record the staged output " + staged + " in " + path + " (" + describe(e) + ")", e);
        }
        return new Staged(marker);
    }

    /** A staged output recorded by {@link #stage}; closing forgets it (the output was committed or removed). */
    public static final class Staged implements AutoCloseable {
        private final Path marker;

        private Staged(Path marker) {
            this.marker = marker;
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(marker);
            } catch (IOException e) {
                LOG.debug("Could not delete {}: {}", marker, describe(e));
            }
        }
    }

    /** The staged outputs recorded in a directory (only hidden {@code .tmp} names: nothing else is ever deleted). */
    private static List<Path> stagedPaths(Path dir) {
        List<Path> out = new java.util.ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, STAGED + "*")) {
            for (Path marker : ds) {
                try {
                    Path p = Path.of(Files.readString(marker).trim());
                    String n = p.getFileName() == null ? "" : p.getFileName().toString();
                    if (p.isAbsolute() && n.startsWith(".") && n.endsWith(".tmp")) {
                        out.add(p);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("Unreadable staged-output marker {}: {}", marker, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not list {}: {}", dir, describe(e));
        }
        return out;
    }

    /** Deletes the {@code spillway-*} directories in {@code root} whose owner is gone (see the class comment). */
    private static void sweepStale(Path root) {
        Set<Path> ours = new java.util.HashSet<>();
        for (SpillDirectory d : ShutdownCleanup.OPEN) {
            ours.add(d.path); // never open another channel on a lock this JVM holds: closing it would drop the lock
        }
        long bytes = 0;
        int dirs = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || ours.contains(p.toAbsolutePath().normalize())) {
                    continue;
                }
                long removed = sweepIfDead(p, Long.parseLong(m.group(1)));
                if (removed >= 0) {
                    bytes += removed;
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

    /** Deletes {@code dir} (and its staged outputs) if its owner is gone; the bytes deleted, or -1 if it is live. */
    private static long sweepIfDead(Path dir, long pid) {
        Path lockFile = dir.resolve(LOCK);
        if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            try {
                long age = System.currentTimeMillis() - Files.getLastModifiedTime(dir).toMillis();
                boolean pidAlive = pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isPresent();
                if (age < UNLOCKED_GRACE_SECONDS * 1000L || pidAlive) {
                    return -1;
                }
            } catch (IOException e) {
                return -1;
            }
            return removeDead(dir);
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                return -1; // held in this JVM
            }
            if (l == null) {
                return -1; // held by a live process, in whatever PID namespace
            }
            try {
                return removeDead(dir);
            } finally {
                if (l.isValid()) {
                    l.release();
                }
            }
        } catch (IOException e) {
            return -1; // gone meanwhile, or not ours to open
        }
    }

    private static long removeDead(Path dir) {
        long bytes = 0;
        for (Path staged : stagedPaths(dir)) {
            bytes += deleteTree(staged);
        }
        return bytes + deleteTree(dir);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do
            }
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

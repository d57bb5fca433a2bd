package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The {@code _delta_log/} directory of a table: which versions exist, each commit's actions, and the
 * atomic publication of a new commit.
 *
 * <p><b>Put-if-absent.</b> A commit is written to a temporary file in the log directory, forced to
 * disk, then published with {@link Files#createLink} under its final name ({@code link(2)} fails if
 * the version exists, where a rename would silently replace it), the directory is forced, and the
 * temporary name removed. A reader never sees a partial commit: the final name appears only when the
 * whole file is on disk. A crash may leave a {@code .tmp} file behind, which no reader looks at.
 *
 * <p><b>Damaged commits.</b> Delta files are the unit of atomicity (PROTOCOL.md "Delta Log Entries"): a
 * commit that is empty or has a line that is not an action (a truncated file, as a crashed writer of a
 * store without atomic creation leaves) is an error naming the table, the version, the file and the
 * line, not a shorter version read as if whole; the versions before it stay readable. Unknown actions
 * and fields are ignored, as the protocol asks.
 */
final class DeltaLog {
    /** The table's root directory. */
    final Path table;
    /** {@code table/_delta_log}. */
    final Path dir;

    /**
     * Tests only: called in {@link #writeCommit} once the temporary file holds the commit, before it is
     * forced and published. A test blocks in it to line up racing writers on the same version, or throws
     * (a full disk) to check that a failed commit leaves nothing behind. Null in production.
     */
    static volatile BeforePublish beforePublish;

    /** See {@link #beforePublish}. */
    @FunctionalInterface
    interface BeforePublish {
        void run(DeltaLog log, long version, Path tmp) throws IOException;
    }

    DeltaLog(Path table) {
        this.table = table.toAbsolutePath().normalize();
        this.dir = this.table.resolve("_delta_log");
    }

    /** The file of commit {@code version}: {@code _delta_log/00000000000000000007.json}. */
    Path commitFile(long version) {
        return dir.resolve(String.format(Locale.ROOT, "%020d.json", version));
    }

    /** The versions that have a commit file, ascending (empty when the table does not exist). */
    TreeSet<Long> commitVersions() {
        TreeSet<Long> out = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.length() == 25 && n.chars().limit(20).allMatch(Character::isDigit)) {
                    out.add(Long.parseLong(n.substring(0, 20)));
                }
            }
        } catch (IOException e) {
            throw new DeltaException("Cannot list the log of table " + table + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** True if the table has at least one commit. */
    boolean exists() {
        return !commitVersions().isEmpty();
    }

    /** The actions of commit {@code version}, in file order; errors name the table, version, file and line. */
    List<Action> readCommit(long version) {
        Path f = commitFile(version);
        List<Action> out = new ArrayList<>();
        try {
            readActions(f, "version " + version, out::add);
        } catch (NoSuchFileException e) {
            throw new DeltaException("Table " + table + " has no commit file for version " + version + " (" + f
                    + "): the log is incomplete", e);
        }
        if (out.isEmpty()) {
            // a commit always has actions (Delta writes at least commitInfo): an empty file is a torn write, not a no-op
            throw new DeltaException("Table " + table + ", version " + version + ": the commit file " + f + " is empty (no"
                    + " actions); the file is corrupt, versions before " + version + " can still be read");
        }
        return out;
    }

    /**
     * The in-commit timestamp of version {@code version}, or null if it has none: read from the first
     * line only, where PROTOCOL.md puts the {@code commitInfo} of a table with in-commit timestamps.
     */
    Long inCommitTimestamp(long version) {
        Path f = commitFile(version);
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line == null || line.isBlank()) {
                return null;
            }
            return Action.parse(DeltaSchemas.JSON.readTree(line)) instanceof Action.CommitInfo c ? c.inCommitTimestamp() : null;
        } catch (IOException | RuntimeException e) {
            throw new DeltaException("Table " + table + ", version " + version + ": cannot read the first action of " + f + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Passes each action of a file of newline-delimited JSON actions (a commit, a V2 checkpoint) to
     * {@code sink}; a line that is not an action fails naming the table, {@code what}, the file and line.
     */
    void readActions(Path f, String what, java.util.function.Consumer<Action> sink) throws NoSuchFileException {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                Action a;
                try {
                    JsonNode json = DeltaSchemas.JSON.readTree(line);
                    a = Action.parse(json);
                } catch (IOException | RuntimeException e) {
                    throw new DeltaException("Table " + table + ", " + what + ": line " + n + " of " + f
                            + " is not a valid action (" + e.getMessage() + "); the file is corrupt", e);
                }
                sink.accept(a);
            }
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DeltaException("Cannot read " + f + " (table " + table + ", " + what + "): " + e.getMessage(), e);
        }
    }

    /** The commit file's last-modified time in milliseconds (a commit's timestamp without in-commit timestamps). */
    long modificationTime(long version) {
        try {
            return Files.getLastModifiedTime(commitFile(version)).toMillis();
        } catch (IOException e) {
            throw new DeltaException("Cannot read the time of " + commitFile(version) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Publishes {@code actions} as commit {@code version}, atomically and only if that version does not
     * exist yet.
     *
     * @throws FileAlreadyExistsException if another writer committed {@code version} first
     */
    void writeCommit(long version, List<Action> actions) throws FileAlreadyExistsException {
        StringBuilder sb = new StringBuilder();
        for (Action a : actions) {
            sb.append(a.toJson().toString()).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        Path target = commitFile(version);
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(bytes);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                BeforePublish hook = beforePublish;
                if (hook != null) {
                    hook.run(this, version, tmp);
                }
                ch.force(true);
            }
            try {
                Files.createLink(target, tmp);
            } catch (UnsupportedOperationException e) {
                // no hard links on this file system: CREATE_NEW is the next best put-if-absent
                Files.write(target, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            }
            syncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw new DeltaException("Cannot write version " + version + " of table " + table + " (" + target + "): "
                    + e.getMessage() + "; the table is unchanged", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a leftover temporary file is ignored by readers
            }
        }
    }

    /** Forces a directory's entries to disk (where the platform allows). */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // not every platform can sync a directory; the files themselves are synced
        }
    }
}

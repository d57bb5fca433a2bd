package org.spillway.frame.delta;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.spillway.frame.io.parquet.ParquetRecords;

/**
 * Metadata cleanup (PROTOCOL.md "Metadata Cleanup"), run after a checkpoint is written unless the table
 * sets {@code delta.enableExpiredLogCleanup = false}: the commits, checkpoints and checksum files older
 * than {@code delta.logRetentionDuration} (default {@code interval 30 days}) that no retained version
 * needs are deleted.
 *
 * <p>By file modification times, as Delta: the cutoff is now minus the retention (rounded down to
 * midnight UTC when the retention is a day or more, as the protocol and Delta Spark do; a shorter one is
 * taken exactly, as Delta Kernel does). The <i>cutoff commit</i> is the newest commit such that it and
 * every commit before it are older than the cutoff; the <i>cutoff checkpoint</i> the newest complete
 * checkpoint at or before it. Only files of versions strictly before the cutoff checkpoint are deleted
 * (oldest first), so every version from the cutoff checkpoint on can still be read and time travel to
 * an older one fails naming the cleanup. Sidecars ({@code _delta_log/_sidecars/}) that no remaining
 * checkpoint names and that are older than the cutoff go too. Without such a checkpoint nothing is
 * deleted.
 */
final class LogCleanup {
    /** Delta's default {@code delta.logRetentionDuration}. */
    static final Duration DEFAULT_LOG_RETENTION = Duration.ofDays(30);
    private static final long DAY = 86_400_000L;

    private LogCleanup() {
    }

    /** The cleanup after the checkpoint of {@code snap}; a failure is logged (the table is intact either way). */
    static void afterCheckpoint(Snapshot snap) {
        try {
            if ("false".equalsIgnoreCase(snap.property("delta.enableExpiredLogCleanup", "true").trim())) {
                return;
            }
            cleanup(snap.log, cutoff(snap, System.currentTimeMillis()));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(LogCleanup.class).warn("Table {}: expired log files were not cleaned up ({});"
                    + " the table is intact, the next checkpoint tries again", snap.log.table, e.getMessage());
        }
    }

    /** The modification time before which log files of {@code snap}'s table expire, at {@code now}. */
    static long cutoff(Snapshot snap, long now) {
        Duration retention = DeltaMaintenance.parseInterval(snap.property("delta.logRetentionDuration", null), DEFAULT_LOG_RETENTION);
        long cutoff = now - retention.toMillis();
        return retention.toMillis() >= DAY ? cutoff - Math.floorMod(cutoff, DAY) : cutoff;
    }

    /** Deletes the log files that expired at {@code cutoff} (see the class comment); returns them. */
    static List<Path> cleanup(DeltaLog log, long cutoff) {
        long cutoffCommit = -1;
        for (long v : log.commitVersions()) {
            if (log.modificationTime(v) > cutoff) {
                break;
            }
            cutoffCommit = v;
        }
        Checkpoints.Checkpoint cp = cutoffCommit < 0 ? null : Checkpoints.latest(log, cutoffCommit);
        if (cp == null || cp.version() == 0) {
            return List.of();
        }
        long keep = cp.version();
        TreeSet<Path> expired = new TreeSet<>(); // zero-padded names: oldest version first
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(log.dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.length() < 21 || !n.substring(0, 20).chars().allMatch(Character::isDigit) || n.charAt(20) != '.') {
                    continue;
                }
                long v = Long.parseLong(n.substring(0, 20));
                String rest = n.substring(21);
                boolean commitOrChecksum = rest.equals("json") || rest.equals("crc") || rest.startsWith("checkpoint.");
                boolean compaction = rest.endsWith(".compacted.json"); // startVersion.endVersion.compacted.json
                if ((commitOrChecksum && v < keep) || (compaction && v <= keep)) {
                    expired.add(p);
                }
            }
        } catch (IOException e) {
            throw new DeltaException("Cannot list the log of table " + log.table + ": " + e.getMessage(), e);
        }
        List<Path> deleted = new ArrayList<>();
        boolean checkpointDeleted = false;
        for (Path p : expired) {
            try {
                if (Files.deleteIfExists(p)) {
                    deleted.add(p);
                    checkpointDeleted |= p.getFileName().toString().contains(".checkpoint.");
                }
            } catch (IOException e) {
                throw new DeltaException("Cleaning up the log of table " + log.table + " stopped at " + p + ": " + e.getMessage()
                        + " (the table is intact: only files of versions before the checkpoint of version " + keep + " were deleted)", e);
            }
        }
        if (checkpointDeleted) {
            deleted.addAll(deleteUnreferencedSidecars(log, cutoff));
        }
        return deleted;
    }

    /** Deletes the sidecars no remaining checkpoint names that are older than {@code cutoff}. */
    private static List<Path> deleteUnreferencedSidecars(DeltaLog log, long cutoff) {
        Path dir = log.dir.resolve("_sidecars");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Set<Path> referenced = new HashSet<>();
        List<Path> deleted = new ArrayList<>();
        try {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(log.dir, "*.checkpoint.*")) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (n.endsWith(".json")) {
                        log.readActions(p, "a checkpoint", a -> {
                            if (a instanceof Action.Other o && o.key().equals("sidecar")) {
                                referenced.add(sidecar(dir, o.value().path("path").asText()));
                            }
                        });
                    } else if (n.endsWith(".parquet")) {
                        ParquetRecords.forEach(p, Set.of("sidecar"), row -> {
                            if (row.get("sidecar") instanceof java.util.Map<?, ?> m && m.get("path") != null) {
                                referenced.add(sidecar(dir, m.get("path").toString()));
                            }
                        });
                    }
                }
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    Path abs = p.toAbsolutePath().normalize();
                    if (!referenced.contains(abs) && Files.isRegularFile(p) && Files.getLastModifiedTime(p).toMillis() < cutoff
                            && Files.deleteIfExists(p)) {
                        deleted.add(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new DeltaException("Cannot clean up the sidecars of table " + log.table + ": " + e.getMessage(), e);
        }
        return deleted;
    }

    private static Path sidecar(Path dir, String path) {
        return Snapshot.resolve(dir, path).toAbsolutePath().normalize();
    }
}

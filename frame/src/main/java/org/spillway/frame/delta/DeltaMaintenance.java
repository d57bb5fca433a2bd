package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@link DeltaTable#restoreToVersion} (a new commit whose files are those of an older version) and
 * {@link DeltaTable#vacuum} (deleting files no version within the retention period needs).
 */
final class DeltaMaintenance {
    /** Delta's default {@code delta.deletedFileRetentionDuration}: one week. */
    static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private DeltaMaintenance() {
    }

    static long restore(DeltaLog log, long version) {
        Snapshot cur = Snapshot.load(log, log.commitVersions().last());
        DeltaWriter.checkWritable(cur, SaveMode.OVERWRITE);
        if (version == cur.version) {
            throw new DeltaException("Table " + log.table + " is already at version " + version + "; nothing to restore");
        }
        Snapshot old = Snapshot.load(log, version);
        old.checkReadable();
        for (Action.AddFile a : old.addFiles()) {
            if (!Files.exists(old.filePath(a))) {
                throw new DeltaException("Cannot restore table " + log.table + " to version " + version + ": its data file "
                        + old.filePath(a) + " was vacuumed; the table is unchanged");
            }
        }
        long now = System.currentTimeMillis();
        List<Action> data = new ArrayList<>();
        Set<String> removed = new HashSet<>();
        long removedFiles = 0;
        long addedFiles = 0;
        for (Map.Entry<String, Action.AddFile> e : cur.files.entrySet()) {
            if (!old.files.containsKey(e.getKey())) {
                Action.AddFile a = e.getValue();
                data.add(new Action.RemoveFile(a.path(), now, true, true, a.partitionValues(), a.size(), a.deletionVector()));
                removed.add(a.path());
                removedFiles++;
            }
        }
        for (Map.Entry<String, Action.AddFile> e : old.files.entrySet()) {
            if (!cur.files.containsKey(e.getKey())) {
                Action.AddFile a = e.getValue();
                data.add(new Action.AddFile(a.path(), a.partitionValues(), a.size(), a.modificationTime(), true, a.stats(), a.tags(),
                        a.deletionVector()));
                addedFiles++;
            }
        }
        List<Action> actions = new ArrayList<>();
        ObjectNode c = DeltaSchemas.JSON.createObjectNode();
        c.put("timestamp", now);
        c.put("operation", "RESTORE");
        c.putObject("operationParameters").put("version", version);
        c.put("readVersion", cur.version);
        c.put("isolationLevel", "Serializable");
        c.put("isBlindAppend", false);
        ObjectNode m = c.putObject("operationMetrics");
        m.put("numRemovedFile", Long.toString(removedFiles));
        m.put("numRestoredFile", Long.toString(addedFiles));
        c.put("engineInfo", DeltaWriter.ENGINE);
        c.put("txnId", UUID.randomUUID().toString());
        actions.add(new Action.CommitInfo(c));
        if (!old.metadata.equals(cur.metadata)) {
            Action.Metadata om = old.metadata;
            Map<String, String> config = new java.util.LinkedHashMap<>(om.configuration() == null ? Map.of() : om.configuration());
            String curMax = cur.property(DeltaColumnMapping.MAX_ID, null);
            if (curMax != null) {
                config.put(DeltaColumnMapping.MAX_ID, curMax); // column ids are never reused, even after a restore
            }
            actions.add(new Action.Metadata(om.id(), om.name(), om.description(), om.provider(), om.formatOptions(), om.schemaString(),
                    om.partitionColumns(), config, om.createdTime()));
        }
        actions.addAll(data);
        return DeltaWriter.commitRead(log, cur.version, actions, removed);
    }

    /**
     * Deletes the data and deletion-vector files of the table directory that the latest version does
     * not use and that were removed (or, never committed, written) longer ago than {@code retention}.
     * The log itself is untouched. Returns the files deleted.
     */
    static List<Path> vacuum(DeltaLog log, Duration retention, boolean retentionCheck) {
        Snapshot cur = Snapshot.load(log, log.commitVersions().last());
        cur.checkReadable();
        Duration tableRetention = parseInterval(cur.property("delta.deletedFileRetentionDuration", null), DEFAULT_RETENTION);
        if (retentionCheck && retention.compareTo(tableRetention) < 0) {
            throw new DeltaException("Vacuuming table " + log.table + " with a retention of " + retention + " is shorter than its"
                    + " delete retention (" + tableRetention + "): versions still within it could no longer be read, and a"
                    + " writer still running could lose files. Pass retentionCheck=false to do it anyway");
        }
        long cutoff = System.currentTimeMillis() - retention.toMillis();
        Set<Path> live = new HashSet<>();
        for (Action.AddFile a : cur.addFiles()) {
            live.add(cur.filePath(a).toAbsolutePath().normalize());
            if (a.deletionVector() != null && !a.deletionVector().storageType().equals("i")) {
                live.add(DeletionVectors.dvPath(log.table, a.deletionVector()).toAbsolutePath().normalize());
            }
        }
        Map<Path, Long> tombstones = new HashMap<>();
        java.util.TreeSet<Long> versions = log.commitVersions();
        Checkpoints.Checkpoint first = versions.first() == 0 ? null : Checkpoints.latest(log, versions.first());
        if (first != null) {
            // the commits before it were cleaned up: their removes survive as the checkpoint's tombstones
            Checkpoints.readTombstones(log, first, r -> tombstones.merge(Snapshot.resolve(log.table, r.path()).toAbsolutePath()
                    .normalize(), r.deletionTimestamp() == null ? 0 : r.deletionTimestamp(), Math::max));
        }
        for (long v : versions) {
            for (Action a : log.readCommit(v)) {
                if (a instanceof Action.RemoveFile r) {
                    Path p = Snapshot.resolve(log.table, r.path()).toAbsolutePath().normalize();
                    long ts = r.deletionTimestamp() == null ? 0 : r.deletionTimestamp();
                    tombstones.merge(p, ts, Math::max);
                }
            }
        }
        List<Path> deleted = new ArrayList<>();
        try {
            Files.walkFileTree(log.table, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    String n = d.getFileName() == null ? "" : d.getFileName().toString();
                    boolean hidden = !d.equals(log.table) && (n.startsWith(".") || (n.startsWith("_") && !n.contains("=")));
                    if (d.equals(log.table.resolve("metadata")) && Files.exists(d.resolve("version-hint.text"))) {
                        return FileVisitResult.SKIP_SUBTREE; // Iceberg metadata of a UniForm table, not data files
                    }
                    return hidden && !n.equals("_change_data") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    String n = f.getFileName().toString();
                    if (n.startsWith(".") || n.startsWith("_")) {
                        return FileVisitResult.CONTINUE;
                    }
                    Path p = f.toAbsolutePath().normalize();
                    if (live.contains(p)) {
                        return FileVisitResult.CONTINUE;
                    }
                    Long removedAt = tombstones.get(p);
                    long t = removedAt != null ? removedAt : attrs.lastModifiedTime().toMillis();
                    if (t < cutoff) {
                        Files.deleteIfExists(f);
                        deleted.add(p);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new DeltaException("Vacuuming table " + log.table + " stopped after deleting " + deleted.size() + " files: "
                    + e.getMessage() + " (the table is intact: only unused files were deleted)", e);
        }
        return deleted;
    }

    /** A Delta interval ({@code interval 7 days}, {@code 168 hours}) as a duration, or {@code fallback}. */
    static Duration parseInterval(String text, Duration fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String[] w = text.trim().toLowerCase(java.util.Locale.ROOT).replace("interval", "").trim().split("\\s+");
        try {
            long n = Long.parseLong(w[0]);
            String unit = w.length > 1 ? w[1] : "days";
            return switch (unit.replaceAll("s$", "")) {
                case "week" -> Duration.ofDays(7 * n);
                case "day" -> Duration.ofDays(n);
                case "hour" -> Duration.ofHours(n);
                case "minute" -> Duration.ofMinutes(n);
                case "second" -> Duration.ofSeconds(n);
                case "millisecond" -> Duration.ofMillis(n);
                default -> fallback;
            };
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}

package org.spillway.frame.delta;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.spillway.frame.io.parquet.ParquetRecords;

/**
 * Reading checkpoints (PROTOCOL.md "Checkpoints"): the table's state at a version in one file (classic
 * {@code N.checkpoint.parquet}), in several ({@code N.checkpoint.P.K.parquet}, multi-part), or in a V2
 * checkpoint ({@code N.checkpoint.<uuid>.json|parquet}) whose {@code sidecar} actions point at Parquet
 * files in {@code _delta_log/_sidecars/} holding the file actions. A snapshot replays the newest
 * complete checkpoint at or before its version, then the commits after it.
 */
final class Checkpoints {
    /** The top-level fields of a checkpoint row that a snapshot needs (removes in a checkpoint are tombstones). */
    private static final Set<String> FIELDS = Set.of("add", "metaData", "protocol", "txn", "sidecar", "checkpointMetadata");
    /** The fields that lead to a checkpoint's tombstones. */
    private static final Set<String> TOMBSTONE_FIELDS = Set.of("remove", "sidecar");

    private Checkpoints() {
    }

    /** One checkpoint: its version and files (all parts of a multi-part one). */
    record Checkpoint(long version, List<Path> files, boolean v2) {
    }

    /** The newest complete checkpoint at or before {@code version}, or null. */
    static Checkpoint latest(DeltaLog log, long version) {
        List<Checkpoint> all = candidates(log, version);
        return all.isEmpty() ? null : all.getFirst();
    }

    /**
     * The complete checkpoints at or before {@code version}, newest first (of several at one version, in
     * listing order). {@code _last_checkpoint} is not consulted: the directory is listed, so a
     * stale or dangling {@code _last_checkpoint} is harmless.
     */
    static List<Checkpoint> candidates(DeltaLog log, long version) {
        TreeMap<Long, List<Checkpoint>> byVersion = new TreeMap<>();
        Map<String, List<Path>> parts = new LinkedHashMap<>();
        Map<String, Integer> partCounts = new LinkedHashMap<>();
        if (!Files.isDirectory(log.dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(log.dir, "*.checkpoint*")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.length() < 32 || !n.substring(0, 20).chars().allMatch(Character::isDigit) || !n.startsWith(".checkpoint.", 20)) {
                    continue;
                }
                long v = Long.parseLong(n.substring(0, 20));
                if (v > version) {
                    continue;
                }
                String rest = n.substring(32); // after "NNN.checkpoint."
                if (rest.equals("parquet")) {
                    byVersion.computeIfAbsent(v, x -> new ArrayList<>()).add(new Checkpoint(v, List.of(p), false));
                } else if (rest.matches("\\d{10}\\.\\d{10}\\.parquet")) {
                    int total = Integer.parseInt(rest.substring(11, 21));
                    String key = v + "/" + total;
                    parts.computeIfAbsent(key, x -> new ArrayList<>()).add(p);
                    partCounts.put(key, total);
                } else if (rest.endsWith(".json") || rest.endsWith(".parquet")) {
                    byVersion.computeIfAbsent(v, x -> new ArrayList<>()).add(new Checkpoint(v, List.of(p), true));
                }
            }
        } catch (IOException e) {
            throw new DeltaException("Cannot list the checkpoints of table " + log.table + ": " + e.getMessage(), e);
        }
        for (Map.Entry<String, List<Path>> e : parts.entrySet()) {
            if (e.getValue().size() == partCounts.get(e.getKey())) {
                long v = Long.parseLong(e.getKey().substring(0, e.getKey().indexOf('/')));
                List<Path> files = new ArrayList<>(e.getValue());
                files.sort(null);
                byVersion.computeIfAbsent(v, x -> new ArrayList<>()).add(new Checkpoint(v, files, false));
            }
        }
        List<Checkpoint> out = new ArrayList<>();
        for (List<Checkpoint> atVersion : byVersion.descendingMap().values()) {
            out.addAll(atVersion);
        }
        return out;
    }

    /**
     * Passes every action of {@code cp} (sidecars' included) to {@code sink}; from Parquet, only what a
     * snapshot needs (a JSON V2 checkpoint passes its tombstones too, which a replay may apply: they never
     * name a live file).
     */
    static void read(DeltaLog log, Checkpoint cp, Consumer<Action> sink) {
        read(log, cp, FIELDS, sink);
    }

    /** Passes the tombstones ({@code remove} actions) of {@code cp} (sidecars' included) to {@code sink}. */
    static void readTombstones(DeltaLog log, Checkpoint cp, Consumer<Action.RemoveFile> sink) {
        read(log, cp, TOMBSTONE_FIELDS, a -> {
            if (a instanceof Action.RemoveFile r) {
                sink.accept(r);
            }
        });
    }

    private static void read(DeltaLog log, Checkpoint cp, Set<String> fields, Consumer<Action> sink) {
        for (Path f : cp.files()) {
            if (f.getFileName().toString().endsWith(".json")) {
                readJson(log, cp, f, fields, sink);
            } else {
                readParquet(log, cp, f, fields, sink);
            }
        }
    }

    private static void readParquet(DeltaLog log, Checkpoint cp, Path f, Set<String> fields, Consumer<Action> sink) {
        try {
            ParquetRecords.forEach(f, fields, row -> {
                for (Map.Entry<String, Object> e : row.entrySet()) {
                    if (e.getValue() != null) {
                        emit(log, cp, f, Action.parse(wrap(e.getKey(), e.getValue())), fields, sink);
                    }
                }
            });
        } catch (DeltaException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DeltaException("Table " + log.table + ": cannot read the checkpoint " + f + " of version " + cp.version()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void readJson(DeltaLog log, Checkpoint cp, Path f, Set<String> fields, Consumer<Action> sink) {
        try {
            log.readActions(f, "the checkpoint of version " + cp.version(), a -> emit(log, cp, f, a, fields, sink));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DeltaException("Table " + log.table + ": the checkpoint " + f + " disappeared while it was read", e);
        }
    }

    /** An action of a checkpoint; a sidecar's file actions are read in its place. */
    private static void emit(DeltaLog log, Checkpoint cp, Path f, Action a, Set<String> fields, Consumer<Action> sink) {
        if (a instanceof Action.Other o && o.key().equals("sidecar")) {
            String path = o.value().path("path").asText();
            Path side = Snapshot.resolve(log.dir.resolve("_sidecars"), path);
            if (!Files.exists(side)) {
                throw new DeltaException("Table " + log.table + ": the checkpoint " + f + " of version " + cp.version()
                        + " names the sidecar " + side + ", which is missing");
            }
            readParquet(log, cp, side, fields, sink);
            return;
        }
        sink.accept(a);
    }

    /** A checkpoint row's field as the JSON object of a log line ({@code {"add": {...}}}). */
    private static JsonNode wrap(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, plain(value, true));
        return DeltaSchemas.JSON.valueToTree(m);
    }

    /**
     * A checkpoint value as JSON-able data: {@code partitionValues_parsed} and {@code stats_parsed}
     * (typed copies of {@code partitionValues} and {@code stats} that Spark writes) are dropped, and
     * any other date or time value becomes its ISO text.
     */
    private static Object plain(Object value, boolean action) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (action && k.endsWith("_parsed")) {
                    continue;
                }
                out.put(k, plain(e.getValue(), false));
            }
            return out;
        }
        if (value instanceof java.util.List<?> list) {
            java.util.List<Object> out = new java.util.ArrayList<>(list.size());
            for (Object o : list) {
                out.add(plain(o, false));
            }
            return out;
        }
        return value instanceof java.time.temporal.TemporalAccessor t ? t.toString() : value;
    }
}

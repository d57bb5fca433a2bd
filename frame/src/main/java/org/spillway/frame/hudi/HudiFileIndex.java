package org.spillway.frame.hudi;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The file groups of a Hudi table and the base file each one reads at an instant. Partitions are the
 * directories holding a {@code .hoodie_partition_metadata} file (the table directory itself for a table
 * without partitions); base files are named {@code <fileId>_<writeToken>_<instantTime>.parquet}; log
 * files (merge-on-read) start with a dot and are not read. A file group's base file at instant
 * {@code T} is its newest base file written by a completed commit (or compaction) at or before {@code T};
 * file groups replaced at or before {@code T} (replacecommit: insert_overwrite, delete_partition,
 * clustering) are left out. The completed commits' metadata (JSON in table versions up to 6, Avro in
 * version 8) names the files they wrote: a base file a commit wrote that is gone (cleaned, or deleted by
 * hand) while it is still the one to read is an error, never an older version read silently.
 */
final class HudiFileIndex {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BASE_FILE = Pattern.compile("(.+)_([^_]+)_(\\d+)\\.(parquet|orc|hfile)");

    /** A base file: its partition path ("" for none), file group id, instant time and path. */
    record BaseFile(String partition, String fileId, String instant, Path path) {
        String groupKey() {
            return partition + "/" + fileId;
        }
    }

    private HudiFileIndex() {
    }

    /** The base files each live file group reads at an instant, and the file groups replaced by then ("partition/fileId"). */
    record Slices(List<BaseFile> baseFiles, Set<String> replaced) {
    }

    /** The table's partition directories (those with a {@code .hoodie_partition_metadata}), hidden directories left out. */
    static List<Path> partitionDirs(HudiTimeline tl) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(tl.table)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                boolean hidden = false;
                for (Path part : tl.table.relativize(dir)) {
                    hidden |= part.toString().startsWith(".");
                }
                if (!hidden && isPartition(dir)) {
                    out.add(dir);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new HudiException("Hudi table " + tl.table + ": cannot list its partitions: " + e.getMessage(), e);
        }
        return out;
    }

    /** Every base file in the table's partitions, whatever its commit. */
    static List<BaseFile> listBaseFiles(HudiTimeline tl) {
        List<BaseFile> out = new ArrayList<>();
        for (Path dir : partitionDirs(tl)) {
            String partition = tl.table.relativize(dir).toString().replace(java.io.File.separatorChar, '/');
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Matcher m = BASE_FILE.matcher(f.getFileName().toString());
                    if (!f.getFileName().toString().startsWith(".") && m.matches() && Files.isRegularFile(f)) {
                        out.add(new BaseFile(partition, m.group(1), m.group(3), f));
                    }
                }
            } catch (IOException e) {
                throw new HudiException("Hudi table " + tl.table + ": cannot list the partition " + dir + ": " + e.getMessage(), e);
            }
        }
        out.sort(Comparator.comparing(BaseFile::partition).thenComparing(BaseFile::fileId).thenComparing(BaseFile::instant));
        return out;
    }

    private static boolean isPartition(Path dir) {
        return Files.exists(dir.resolve(".hoodie_partition_metadata")) || Files.exists(dir.resolve(".hoodie_partition_metadata.parquet"))
                || Files.exists(dir.resolve(".hoodie_partition_metadata.orc"));
    }

    /** The base file each live file group reads at {@code instant}, by partition and file id. */
    static Slices snapshot(HudiTimeline tl, List<BaseFile> all, String instant) {
        Set<String> replaced = new HashSet<>();
        Map<String, String> written = new HashMap<>(); // file group -> newest base file instant the metadata names
        Map<String, String> writtenPath = new HashMap<>();
        for (HudiTimeline.Instant c : tl.dataCommits()) {
            if (c.requestedTime().compareTo(instant) > 0) {
                continue;
            }
            Map<String, Object> meta = metadata(tl, c);
            if (meta.get("partitionToReplaceFileIds") instanceof Map<?, ?> rep) {
                for (Map.Entry<?, ?> e : rep.entrySet()) {
                    if (e.getValue() instanceof List<?> ids) {
                        for (Object id : ids) {
                            replaced.add(e.getKey() + "/" + id);
                        }
                    }
                }
            }
            if (meta.get("partitionToWriteStats") instanceof Map<?, ?> stats) {
                for (Map.Entry<?, ?> e : stats.entrySet()) {
                    for (Object s : e.getValue() instanceof List<?> l ? l : List.of()) {
                        if (s instanceof Map<?, ?> stat && stat.get("path") instanceof String p && stat.get("fileId") instanceof String id) {
                            Matcher m = BASE_FILE.matcher(p.substring(p.lastIndexOf('/') + 1));
                            String key = e.getKey() + "/" + id;
                            if (!p.substring(p.lastIndexOf('/') + 1).startsWith(".") && m.matches()
                                    && m.group(3).compareTo(written.getOrDefault(key, "")) > 0) {
                                written.put(key, m.group(3));
                                writtenPath.put(key, p);
                            }
                        }
                    }
                }
            }
        }
        Map<String, BaseFile> latest = new java.util.TreeMap<>();
        for (BaseFile f : all) {
            if (f.instant().compareTo(instant) > 0 || replaced.contains(f.groupKey()) || !tl.isCommitted(f.instant())) {
                continue;
            }
            BaseFile prev = latest.get(f.groupKey());
            if (prev == null || f.instant().compareTo(prev.instant()) > 0) {
                latest.put(f.groupKey(), f);
            }
        }
        for (Map.Entry<String, String> e : written.entrySet()) {
            if (replaced.contains(e.getKey())) {
                continue;
            }
            BaseFile have = latest.get(e.getKey());
            if (have == null || have.instant().compareTo(e.getValue()) < 0) {
                throw new HudiException("Hudi table " + tl.table + " at instant " + instant + ": the base file " + tl.table.resolve(
                        writtenPath.get(e.getKey())) + " (written by commit " + e.getValue() + ") is missing (cleaned, or deleted by hand)");
            }
        }
        for (BaseFile f : latest.values()) {
            if (!f.path().getFileName().toString().endsWith(".parquet")) {
                throw new HudiException("Hudi table " + tl.table + " at instant " + instant + ": the base file " + f.path()
                        + " is not Parquet; Spillway reads Parquet base files only");
            }
        }
        return new Slices(List.copyOf(latest.values()), Set.copyOf(replaced));
    }

    /** A completed commit's metadata (JSON or Avro) as maps and lists; an empty file as an empty map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(HudiTimeline tl, HudiTimeline.Instant c) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(c.file());
        } catch (IOException e) {
            throw new HudiException("Hudi table " + tl.table + ": cannot read the metadata of commit " + c.requestedTime() + " ("
                    + c.file() + "): " + e.getMessage(), e);
        }
        if (bytes.length == 0) {
            return Map.of();
        }
        try {
            if (HudiAvro.isContainer(bytes)) {
                List<Object> data = HudiAvro.read(bytes);
                return data.isEmpty() || !(data.get(0) instanceof Map<?, ?> m) ? Map.of() : (Map<String, Object>) m;
            }
            return JSON.readValue(bytes, Map.class);
        } catch (IOException | RuntimeException e) {
            throw new HudiException("Hudi table " + tl.table + ": the metadata of commit " + c.requestedTime() + " (" + c.file()
                    + ") is corrupt: " + e.getMessage(), e);
        }
    }
}

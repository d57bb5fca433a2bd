package org.spillway.frame.iceberg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;
import org.apache.iceberg.util.SnapshotUtil;
import org.spillway.frame.delta.GoldenRows;

/**
 * Writes the golden Iceberg tables of src/test/resources/iceberg-golden/ with Iceberg's own libraries
 * (iceberg-core, iceberg-data, iceberg-parquet 1.12.0; Hadoop tables, and one catalog-style table on an
 * {@code s3://} location), and for every snapshot the rows iceberg-data's generic reader returns
 * ({@code IcebergGenerics.read(table).useSnapshot(id)}), in the canonical text of {@link GoldenRows}. Profile
 * {@code iceberg-golden} only (see the README next to the tables):
 * {@code ./mvnw -pl frame -am -P iceberg-golden process-test-classes [-Dgolden.tables=a,b]}.
 *
 * <p>The tables are written under a temporary directory, then copied into the resources and the temporary
 * directory deleted: the locations the metadata records do not exist, so reading the committed tables needs
 * Spillway's relocation (files under the recorded location are found under the directory read). The rows are
 * fixed; a rerun changes only file names, snapshot ids and times.
 */
public final class GenerateIcebergGoldenTables {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GenerateIcebergGoldenTables() {
    }

    /** One table's commits, written in (or, for object-store tables, mapped to) {@code dir}. */
    @FunctionalInterface
    interface Recipe {
        Table write(Path dir) throws IOException;
    }

    /** The tables, by name, in the order they are written. */
    static Map<String, Recipe> recipes() {
        Map<String, Recipe> r = new LinkedHashMap<>();
        r.put("v1-appends", GoldenRecipes::v1Appends);
        r.put("v2-appends", GoldenRecipes::v2Appends);
        r.put("types", GoldenRecipes::types);
        r.put("schema-evolution", GoldenRecipes::schemaEvolution);
        r.put("partitions", GoldenRecipes::partitions);
        r.put("position-deletes", GoldenRecipes::positionDeletes);
        r.put("equality-deletes", GoldenRecipes::equalityDeletes);
        r.put("deletion-vectors", GoldenRecipes::deletionVectors);
        r.put("name-mapping", GoldenRecipes::nameMapping);
        r.put("s3-location", GoldenRecipes::s3Location);
        return r;
    }

    /** Args: the iceberg-golden directory, optionally the table names to regenerate (comma-separated, or all). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]).toAbsolutePath();
        Set<String> only = args.length > 1 && !args[1].equals("all") ? Set.of(args[1].split(",")) : null;
        Path scratch = Files.createTempDirectory("iceberg-golden-");
        int failed = 0;
        try {
            for (Map.Entry<String, Recipe> e : recipes().entrySet()) {
                if (only != null && !only.contains(e.getKey())) {
                    continue;
                }
                try {
                    generate(root, scratch, e.getKey(), e.getValue());
                } catch (RuntimeException | IOException ex) {
                    failed++;
                    System.err.println("FAILED " + e.getKey() + ": " + ex);
                    ex.printStackTrace();
                }
            }
        } finally {
            deleteTree(scratch);
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void generate(Path root, Path scratch, String name, Recipe recipe) throws IOException {
        Path dir = scratch.resolve(name);
        Table t = recipe.write(dir);
        t.refresh();
        TableMetadata meta = ((HasTableOperations) t).operations().current();
        Path out = root.resolve(name);
        Path expected = root.resolve(name + ".expected");
        deleteTree(out);
        deleteTree(expected);
        List<String> index = new ArrayList<>();
        for (Snapshot s : t.snapshots()) {
            Schema schema = t.schemas().get(s.schemaId());
            List<String> columns = schema.columns().stream().map(Types.NestedField::name).toList();
            List<List<Object>> rows = rows(t, s.snapshotId(), columns.size());
            String file = "snapshot-" + s.snapshotId() + ".jsonl";
            GoldenRows.write(expected.resolve(file), GoldenRows.lines(columns, rows));
            ObjectNode n = JSON.createObjectNode();
            n.put("snapshot-id", s.snapshotId());
            n.put("parent-id", s.parentId());
            n.put("sequence-number", s.sequenceNumber());
            n.put("timestamp-ms", s.timestampMillis());
            n.put("timestamp", Instant.ofEpochMilli(s.timestampMillis()).toString());
            n.put("operation", s.operation());
            n.put("schema-id", s.schemaId());
            n.put("current", t.currentSnapshot() != null && t.currentSnapshot().snapshotId() == s.snapshotId());
            // the snapshot Iceberg reads "as of" this snapshot's time (the snapshot log's entry at or before it)
            n.put("as-of-timestamp", SnapshotUtil.nullableSnapshotIdAsOfTime(t, s.timestampMillis()));
            var cols = n.putArray("columns");
            columns.forEach(cols::add);
            var types = n.putArray("types");
            schema.columns().forEach(c -> types.add(c.type().toString()));
            n.put("rows", rows.size());
            n.put("file", file);
            index.add(JSON.writeValueAsString(n));
        }
        GoldenRows.write(expected.resolve("snapshots.jsonl"), index);
        ObjectNode tj = JSON.createObjectNode();
        tj.put("format-version", meta.formatVersion());
        tj.put("location", meta.location());
        tj.put("current-snapshot-id", t.currentSnapshot() == null ? null : t.currentSnapshot().snapshotId());
        tj.put("metadata-file", meta.metadataFileLocation().substring(meta.metadataFileLocation().lastIndexOf('/') + 1));
        // the snapshot Iceberg reads as of times around the snapshot log's entries (a rollback adds one) and the snapshots
        java.util.TreeSet<Long> times = new java.util.TreeSet<>();
        for (HistoryEntry h : t.history()) {
            times.add(h.timestampMillis() - 1);
            times.add(h.timestampMillis());
        }
        for (Snapshot s : t.snapshots()) {
            times.add(s.timestampMillis() + 1);
        }
        var probes = tj.putArray("as-of");
        for (long ms : times) {
            probes.addObject().put("timestamp-ms", ms).put("snapshot-id", SnapshotUtil.nullableSnapshotIdAsOfTime(t, ms));
        }
        GoldenRows.write(expected.resolve("table.json"), List.of(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tj)));
        deleteHadoopCrcs(dir);
        copy(dir, out);
        long bytes;
        try (Stream<Path> s = Files.walk(out)) {
            bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.println("wrote " + name + ": " + index.size() + " snapshots, " + bytes + " bytes");
    }

    /**
     * iceberg-data's rows of a snapshot: the first {@code columns} values of each record, canonical. A table with a name
     * mapping is read task by task with iceberg-parquet's reader given the mapping ({@code withNameMapping}) and
     * iceberg-data's {@link GenericDeleteFilter}: {@code IcebergGenerics} 1.12 does not pass the mapping on, and reads
     * files without field ids by position instead (a file's third column as the field with id 3, whatever its name).
     */
    static List<List<Object>> rows(Table t, long snapshotId, int columns) {
        String mapping = t.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
        List<List<Object>> out = new ArrayList<>();
        if (mapping == null) {
            try (CloseableIterable<Record> it = IcebergGenerics.read(t).useSnapshot(snapshotId).build()) {
                it.forEach(r -> out.add(values(r, columns)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }
        TableScan scan = t.newScan().useSnapshot(snapshotId);
        try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
            for (FileScanTask task : tasks) {
                GenericDeleteFilter deletes = new GenericDeleteFilter(t.io(), task, t.schema(), scan.schema());
                Schema read = deletes.requiredSchema();
                Map<Integer, ?> constants = PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
                CloseableIterable<Record> records = Parquet.read(t.io().newInputFile(task.file())).project(read)
                        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(read, fileSchema, constants))
                        .withNameMapping(NameMappingParser.fromJson(mapping)).build();
                try (CloseableIterable<Record> live = deletes.filter(records)) {
                    live.forEach(r -> out.add(values(r, columns)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<Object> values(Record r, int columns) {
        List<Object> v = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            v.add(canonical(r.get(i, Object.class)));
        }
        return v;
    }

    /** An iceberg-data value as the Java value {@link GoldenRows#text} renders (Spillway's types). */
    static Object canonical(Object v) {
        return switch (v) {
            case OffsetDateTime o -> o.toInstant();
            case ByteBuffer b -> {
                byte[] a = new byte[b.remaining()];
                b.duplicate().get(a);
                yield a;
            }
            case UUID u -> u.toString();
            case null, default -> v;
        };
    }

    static void deleteHadoopCrcs(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("\\..*\\.crc")).toList()) {
                Files.delete(p);
            }
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

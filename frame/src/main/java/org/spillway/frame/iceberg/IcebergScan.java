package org.spillway.frame.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetFormatException;
import org.spillway.frame.io.parquet.DeletedRows;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.frame.table.TableFile;
import org.spillway.frame.table.TableSnapshot;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * Plans the read of one snapshot (spec "Scan Planning") as a {@link TableSnapshot}: its live data files with their
 * manifest metrics (record counts, bounds, identity partition values: {@link IcebergFileStats}), and per data file
 * the rows its delete files remove, as {@link PositionSet}s the Parquet scan skips, read only for the files a scan
 * does not prune.
 *
 * <ul>
 *   <li>Position delete files ({@code file_path}, {@code pos}) apply to data files whose data sequence
 *       number is at most the delete's; v3 deletion vectors (Puffin blobs) likewise to their referenced file.
 *   <li>Equality delete files apply to data files with a strictly smaller data sequence number, in the same
 *       partition (spec and values) or everywhere when the delete file is unpartitioned. Each affected data
 *       file's key columns are read once, with row positions, and matched against a hash set of the delete
 *       files' keys: planning reads those columns eagerly, and the keys of the delete files that apply to one
 *       data file must fit on the heap (fine for small to medium delete files; there is no spilling yet).
 * </ul>
 */
final class IcebergScan {
    /** Field id of {@code file_path} in position delete files. */
    static final int DELETE_FILE_PATH = 2147483546;
    /** Field id of {@code pos} in position delete files. */
    static final int DELETE_POS = 2147483545;

    private final Spillway sw;
    private final IcebergMetadata meta;
    private final IcebergMetadata.Snapshot snap;
    private final String where;

    private IcebergScan(Spillway sw, IcebergMetadata meta, IcebergMetadata.Snapshot snap) {
        this.sw = sw;
        this.meta = meta;
        this.snap = snap;
        this.where = "Iceberg table " + meta.table + ", snapshot " + snap.id();
    }

    /**
     * {@code snap}'s rows in {@code columns} (of the schema {@code schema}) as a table snapshot: the live data files with
     * their record counts, bounds and identity partition values from the manifests, and their deletes, each data
     * file's loaded only when a scan reads the file.
     */
    static TableSnapshot snapshot(Spillway sw, IcebergMetadata meta, IcebergMetadata.Snapshot snap, List<IcebergSchema.Column> columns,
                                  JsonNode schema) {
        return new IcebergScan(sw, meta, snap).plan(columns, schema);
    }

    private TableSnapshot plan(List<IcebergSchema.Column> columns, JsonNode schema) {
        List<IcebergManifests.ContentFile> data = new ArrayList<>();
        List<IcebergManifests.ContentFile> deletes = new ArrayList<>();
        for (IcebergManifests.ManifestFile m : IcebergManifests.manifests(meta, snap)) {
            for (IcebergManifests.ContentFile f : IcebergManifests.entries(meta, snap, m)) {
                (f.content() == IcebergManifests.DATA ? data : deletes).add(f);
            }
        }
        Map<String, Integer> index = new HashMap<>();
        List<Path> files = new ArrayList<>();
        for (IcebergManifests.ContentFile f : data) {
            files.add(existing(f, "data file"));
            index.put(f.path(), index.size());
        }
        // which delete files apply to which data file is planned now, from the manifests; they are read only for files a scan reads
        List<List<IcebergManifests.ContentFile>> own = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            own.add(new ArrayList<>());
        }
        List<IcebergManifests.ContentFile> shared = new ArrayList<>();
        List<IcebergManifests.ContentFile> equality = new ArrayList<>();
        for (IcebergManifests.ContentFile d : deletes) {
            if (d.content() == IcebergManifests.EQUALITY_DELETES) {
                equality.add(d);
                continue;
            }
            boolean dv = d.format().equalsIgnoreCase("puffin");
            String ref = d.referencedDataFile() != null ? d.referencedDataFile() : onlyPath(d);
            Integer i = ref == null ? null : index.get(ref);
            if (ref != null && i == null) {
                continue; // deletes only rows of a file no longer in the snapshot
            }
            Path file = existing(d, dv ? "deletion vector file" : "position delete file");
            if (dv && (d.referencedDataFile() == null || d.contentOffset() == null || d.contentSize() == null)) {
                throw new IcebergException(where + ": the deletion vector in " + file + " lacks its referenced data file, offset or size");
            }
            if (i == null) {
                shared.add(d);
            } else if (!(dv && data.get(i).dataSequenceNumber() > d.dataSequenceNumber())) {
                own.get(i).add(d);
            }
        }
        for (IcebergManifests.ContentFile e : equality) {
            existing(e, "equality delete file");
        }
        FileNames names = fileNames(columns);
        List<String> physical = names.physical();
        List<Integer> ids = columns.stream().map(IcebergSchema.Column::id).toList();
        IcebergFileStats stats = new IcebergFileStats(columns, schema, meta.specs);
        Deletes all = new Deletes(data, files, index, own, shared, equality);
        List<TableFile> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            IcebergManifests.ContentFile df = data.get(i);
            int at = i;
            List<IcebergManifests.ContentFile> mine = own.get(i);
            boolean others = !all.sharedFor(i).isEmpty() || !all.equalityFor(i).isEmpty();
            boolean deleted = others || !mine.isEmpty();
            // only a file whose deletes are one deletion vector knows their number (the vector's record count) unread
            long known = !others && mine.size() == 1 && mine.getFirst().format().equalsIgnoreCase("puffin") ? mine.getFirst().recordCount() : -1;
            out.add(new TableFile(files.get(i), df.recordCount(), new Object[0], stats.of(df),
                    deleted ? TableFile.Deletes.lazy(known, () -> all.of(at)) : null));
        }
        return new TableSnapshot(where, IcebergSchema.schema(columns), physical, ids, new Schema(List.of()), out,
                e -> new IcebergException(where + ": " + e.getMessage(), e)).withOtherNames(names.others());
    }

    /**
     * The deleted rows of each data file, read when first asked for: its deletion vector and the position delete
     * files that name it alone, the position delete files that may name it among others (each read once, when the
     * first data file within its {@code file_path} bounds asks; the positions of the others kept until they ask), and
     * its equality deletes (its key columns matched against the delete files' keys, each delete file's keys read
     * once). Requests are serialized (the loads share those caches).
     */
    private final class Deletes {
        private final List<IcebergManifests.ContentFile> data;
        private final List<Path> files;
        private final Map<String, Integer> index;
        private final List<List<IcebergManifests.ContentFile>> own;
        private final List<IcebergManifests.ContentFile> shared;
        private final List<IcebergManifests.ContentFile> equality;
        /** Per position delete file naming several data files, once read: the positions it deletes by data file, until taken. */
        private final Map<IcebergManifests.ContentFile, Map<Integer, LongArrayList>> sharedHits = new HashMap<>();
        private final Map<IcebergManifests.ContentFile, Set<List<Object>>> keys = new HashMap<>();

        Deletes(List<IcebergManifests.ContentFile> data, List<Path> files, Map<String, Integer> index,
                List<List<IcebergManifests.ContentFile>> own, List<IcebergManifests.ContentFile> shared,
                List<IcebergManifests.ContentFile> equality) {
            this.data = data;
            this.files = files;
            this.index = index;
            this.own = own;
            this.shared = shared;
            this.equality = equality;
        }

        /**
         * The position delete files naming several data files that may name data file {@code i}: by the bounds of their
         * {@code file_path} column in the manifest, where it has them.
         */
        List<IcebergManifests.ContentFile> sharedFor(int i) {
            List<IcebergManifests.ContentFile> out = new ArrayList<>();
            byte[] path = data.get(i).path().getBytes(StandardCharsets.UTF_8);
            for (IcebergManifests.ContentFile d : shared) {
                byte[] lo = d.metrics().lowerBounds().get(DELETE_FILE_PATH);
                byte[] hi = d.metrics().upperBounds().get(DELETE_FILE_PATH);
                if ((lo == null || Arrays.compareUnsigned(lo, path) <= 0) && (hi == null || Arrays.compareUnsigned(path, hi) <= 0)) {
                    out.add(d);
                }
            }
            return out;
        }

        /** The equality delete files that apply to data file {@code i}: a newer sequence number, its partition or none. */
        List<IcebergManifests.ContentFile> equalityFor(int i) {
            IcebergManifests.ContentFile df = data.get(i);
            List<IcebergManifests.ContentFile> out = new ArrayList<>();
            for (IcebergManifests.ContentFile e : equality) {
                boolean global = e.partition().isEmpty();
                if (df.dataSequenceNumber() < e.dataSequenceNumber()
                        && (global || e.specId() == df.specId() && e.partition().equals(df.partition()))) {
                    out.add(e);
                }
            }
            return out;
        }

        synchronized DeletedRows of(int i) {
            PositionSet set = new PositionSet();
            boolean any = false;
            for (IcebergManifests.ContentFile d : own.get(i)) {
                if (d.format().equalsIgnoreCase("puffin")) {
                    deletionVector(d, set);
                } else {
                    positionDeletes(d, data, index, t -> t == i ? (LongConsumer) set::add : null);
                }
                any = true;
            }
            for (IcebergManifests.ContentFile d : sharedFor(i)) {
                Map<Integer, LongArrayList> hits = sharedHits.computeIfAbsent(d, k -> {
                    Map<Integer, LongArrayList> byFile = new HashMap<>();
                    positionDeletes(k, data, index, t -> pos -> byFile.computeIfAbsent(t, x -> new LongArrayList()).add(pos));
                    return byFile;
                });
                // each file's deletes are loaded once (then kept by its TableFile): its share is no longer needed here
                LongArrayList mine = hits.remove(i);
                if (mine != null) {
                    mine.forEach(set::add);
                }
                any = true;
            }
            List<IcebergManifests.ContentFile> eq = equalityFor(i);
            if (!eq.isEmpty()) {
                equalityDeletes(i, eq, set);
                any = true;
            }
            return any ? set : null;
        }

        private void equalityDeletes(int i, List<IcebergManifests.ContentFile> applying, PositionSet into) {
            // the delete files that apply, grouped by the columns they compare
            Map<List<Integer>, List<IcebergManifests.ContentFile>> byColumns = new LinkedHashMap<>();
            for (IcebergManifests.ContentFile e : applying) {
                byColumns.computeIfAbsent(e.equalityIds(), k -> new ArrayList<>()).add(e);
            }
            for (Map.Entry<List<Integer>, List<IcebergManifests.ContentFile>> g : byColumns.entrySet()) {
                if (g.getKey().isEmpty()) {
                    throw new IcebergException(where + ": the equality delete file " + g.getValue().get(0).path() + " has no equality_ids");
                }
                List<IcebergSchema.Column> cols = keyColumns(g.getKey(), g.getValue().get(0).path());
                List<Set<List<Object>>> sets = new ArrayList<>();
                for (IcebergManifests.ContentFile e : g.getValue()) {
                    sets.add(keys.computeIfAbsent(e, k -> readKeys(k, cols)));
                }
                matchRows(files.get(i), cols, sets, into);
            }
        }
    }

    /** Per column, the name it has in files without field ids, and the other names the name mapping lists for it. */
    private record FileNames(List<String> physical, List<List<String>> others) {
    }

    private FileNames fileNames(List<IcebergSchema.Column> columns) {
        Map<Integer, List<String>> mapping = IcebergSchema.nameMapping(meta.properties.get("schema.name-mapping.default"), where);
        List<String> physical = new ArrayList<>();
        List<List<String>> others = new ArrayList<>();
        for (IcebergSchema.Column c : columns) {
            List<String> names = mapping.getOrDefault(c.id(), List.of());
            String p = physicalName(c, names);
            physical.add(p);
            others.add(names.stream().filter(n -> !n.equals(p)).toList());
        }
        return new FileNames(physical, others);
    }

    /**
     * The name a column is first looked for by in files without field ids: by the name mapping, else its own.
     * Where the mapping lists several (a renamed column), the column's name in the oldest schema that has it and
     * the mapping lists (files without ids are typically imported before renames); a file without that name is
     * searched for the mapping's other names ({@link #fileNames}).
     */
    private String physicalName(IcebergSchema.Column c, List<String> names) {
        if (names.size() <= 1) {
            return names.isEmpty() ? c.name() : names.getFirst();
        }
        List<Integer> ids = new ArrayList<>(meta.schemas.keySet());
        ids.sort(null);
        for (int id : ids) {
            String n = IcebergSchema.nameOf(meta.schemas.get(id), c.id());
            if (n != null && names.contains(n)) {
                return n;
            }
        }
        return names.contains(c.name()) ? c.name() : names.getFirst();
    }

    /** The local path of a data or delete file, which must be Parquet (or Puffin) and exist. */
    private Path existing(IcebergManifests.ContentFile f, String what) {
        String format = f.format() == null ? "" : f.format().toLowerCase(Locale.ROOT);
        if (!format.equals("parquet") && !(format.equals("puffin") && f.content() == IcebergManifests.POSITION_DELETES)) {
            throw new IcebergException(where + ": the " + what + " " + f.path() + " is in " + String.valueOf(f.format()).toUpperCase(Locale.ROOT)
                    + " format; Spillway reads Parquet data and delete files only (and Puffin deletion vectors)");
        }
        Path p = meta.resolve(f.path(), "the " + what);
        if (!Files.exists(p)) {
            throw new IcebergException(where + ": the " + what + " " + p + " is missing; this snapshot cannot be read");
        }
        return p;
    }

    /**
     * The one data file a position delete file without {@code referenced_data_file} names, by the equal lower and
     * upper bounds of its {@code file_path} column in the manifest (as Iceberg's writers give a file-scoped delete
     * file), or null.
     */
    private static String onlyPath(IcebergManifests.ContentFile d) {
        byte[] lo = d.metrics().lowerBounds().get(DELETE_FILE_PATH);
        byte[] hi = d.metrics().upperBounds().get(DELETE_FILE_PATH);
        return d.content() == IcebergManifests.POSITION_DELETES && lo != null && Arrays.equals(lo, hi)
                ? new String(lo, StandardCharsets.UTF_8) : null;
    }

    /** Reads a v3 deletion vector (a blob of a Puffin file, checked at planning) into {@code into}. */
    private void deletionVector(IcebergManifests.ContentFile d, PositionSet into) {
        Path file = meta.resolve(d.path(), "the deletion vector file");
        String what = where + ": the deletion vector of " + d.referencedDataFile() + " in " + file;
        long size = d.contentSize();
        if (size < 12 || size > Integer.MAX_VALUE) {
            throw new IcebergException(what + " has an invalid size " + size);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = d.contentOffset();
            while (buf.hasRemaining()) {
                if (ch.read(buf, pos + buf.position()) < 0) {
                    throw new IcebergException(what + " ends early: the file is truncated");
                }
            }
        } catch (IOException e) {
            throw new IcebergException(what + " cannot be read: " + e.getMessage(), e);
        }
        into.addDeletionVector(buf.array(), what);
    }

    /**
     * Reads a position delete file, passing each position it deletes to the sink {@code into} gives for the data file's
     * index (null: not wanted); positions of files not in the snapshot, or of newer data files, are left out.
     */
    private void positionDeletes(IcebergManifests.ContentFile d, List<IcebergManifests.ContentFile> data, Map<String, Integer> index,
                                 IntFunction<LongConsumer> into) {
        Path file = meta.resolve(d.path(), "the position delete file");
        Schema schema = Schema.of(new Field("file_path", DataType.STRING), new Field("pos", DataType.INT64));
        ParquetSource src = open(file, schema, new FileNames(List.of("file_path", "pos"), null), List.of(DELETE_FILE_PATH, DELETE_POS),
                "position delete file");
        long seq = d.dataSequenceNumber();
        sw.readParquet(src).mapChunksOrdered(c -> {
            // per row no string and no boxing: the path is compared by dictionary code or bytes with the previous one
            StringVector path = (StringVector) c.column(0);
            LongVector pos = (LongVector) c.column(1);
            Hits hits = new Hits(new int[c.rows()], new long[c.rows()]);
            byte[] last = null;
            int lastCode = -1;
            int target = -1;
            for (int r = 0; r < c.rows(); r++) {
                if (path.isNull(r) || pos.isNull(r)) {
                    continue;
                }
                if (last == null || (path.isDictionary() ? path.code(r) != lastCode : !path.equalsBytes(r, last))) {
                    last = path.getBytes(r);
                    lastCode = path.isDictionary() ? path.code(r) : -1;
                    Integer t = index.get(new String(last, StandardCharsets.UTF_8));
                    // a newer data file: the delete does not apply
                    target = t == null || data.get(t).dataSequenceNumber() > seq ? -1 : t;
                }
                if (target >= 0) {
                    hits.files[hits.n] = target;
                    hits.positions[hits.n++] = pos.get(r);
                }
            }
            return hits;
        }, hits -> {
            for (int i = 0; i < hits.n; i++) {
                LongConsumer sink = into.apply(hits.files[i]);
                if (sink != null) {
                    sink.accept(hits.positions[i]);
                }
            }
        });
    }

    /** The rows of one chunk of a position delete file that apply: the data file (its index) and the position. */
    private static final class Hits {
        final int[] files;
        final long[] positions;
        int n;

        Hits(int[] files, long[] positions) {
            this.files = files;
            this.positions = positions;
        }
    }

    private ParquetSource open(Path file, Schema schema, FileNames names, List<Integer> ids, String what) {
        try {
            return ParquetSource.ofFiles(where + " " + what + " " + file, List.of(file), schema, names.physical(), names.others(), ids,
                    new Schema(List.of()), List.<Object[]>of(new Object[0]), null);
        } catch (ParquetFormatException e) {
            throw new IcebergException(where + ": the " + what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The columns with field ids {@code ids} (their names and types from the newest schema that has them). */
    private List<IcebergSchema.Column> keyColumns(List<Integer> ids, String file) {
        List<JsonNode> newestFirst = new ArrayList<>(meta.schemas.values());
        newestFirst.addFirst(meta.schemas.get(meta.currentSchemaId));
        java.util.Collections.reverse(newestFirst.subList(1, newestFirst.size()));
        List<IcebergSchema.Column> out = new ArrayList<>();
        for (int id : ids) {
            IcebergSchema.Column col = null;
            for (JsonNode s : newestFirst) {
                DataType t = IcebergSchema.typeOf(s, id);
                if (t != null) {
                    col = new IcebergSchema.Column(id, IcebergSchema.nameOf(s, id), t);
                    break;
                }
            }
            if (col == null) {
                throw new IcebergException(where + ": the equality delete file " + file + " compares field id " + id
                        + ", which no schema of the table has as a top-level primitive column");
            }
            out.add(col);
        }
        return out;
    }

    private Set<List<Object>> readKeys(IcebergManifests.ContentFile e, List<IcebergSchema.Column> cols) {
        Path file = existing(e, "equality delete file");
        ParquetSource src = open(file, IcebergSchema.schema(cols), fileNames(cols), cols.stream().map(IcebergSchema.Column::id).toList(),
                "equality delete file");
        Set<List<Object>> out = new HashSet<>();
        sw.readParquet(src).mapChunksOrdered(c -> {
            List<List<Object>> rows = new ArrayList<>();
            for (int r = 0; r < c.rows(); r++) {
                rows.add(key(c, cols.size(), r));
            }
            return rows;
        }, out::addAll);
        return out;
    }

    private void matchRows(Path file, List<IcebergSchema.Column> cols, List<Set<List<Object>>> sets, PositionSet into) {
        ParquetSource src = open(file, IcebergSchema.schema(cols), fileNames(cols), cols.stream().map(IcebergSchema.Column::id).toList(),
                "data file").withRowIndex();
        int n = cols.size();
        sw.readParquet(src).mapChunksOrdered(c -> {
            ColumnVector rowIndex = c.column(n + 1);
            List<Long> hits = new ArrayList<>();
            for (int r = 0; r < c.rows(); r++) {
                List<Object> k = key(c, n, r);
                for (Set<List<Object>> s : sets) {
                    if (s.contains(k)) {
                        hits.add((Long) rowIndex.getObject(r));
                        break;
                    }
                }
            }
            return hits;
        }, hits -> hits.forEach(into::add));
    }

    /** The first {@code n} values of row {@code r}, comparable by content (bytes wrapped). */
    private static List<Object> key(Chunk c, int n, int r) {
        Object[] k = new Object[n];
        for (int j = 0; j < n; j++) {
            Object v = c.column(j).getObject(r);
            k[j] = v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
        }
        return java.util.Arrays.asList(k);
    }
}

package org.spillway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Types;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.FileSpecs;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The table of {@link IcebergBench}: an unpartitioned Iceberg v2 table whose data files and position delete files
 * are written by Spillway's Parquet writer (with Iceberg's field ids) and committed with Iceberg's own Java API
 * (HadoopTables, {@code newAppend}, then {@code newRowDelta}); generated once into a directory and reused while its
 * {@code bench.properties} (what was generated, the expected answers) is there.
 *
 * <p>Columns: {@code id} int64 (the row number, 0 .. rows-1), {@code k} int32 (uniform on [0, {@value #KEYS})),
 * {@code v} float64 (uniform on [0, 100)), {@code s} string (one of 100 values {@code s00 .. s99}); all from a hash of
 * the row number. Data files {@code data/data-NNNNN.parquet} of {@code fileRows} rows each (the last one shorter),
 * and one position delete file per data file, {@code data/delete-NNNNN.parquet} ({@code file_path}, {@code pos},
 * sorted by position), deleting {@code round(rows of the file x fraction)} positions drawn uniformly without
 * replacement (seeded).
 */
final class IcebergBenchTable {
    /** Distinct values of {@code k}. */
    static final int KEYS = 10_000;
    /** Distinct values of {@code s}. */
    static final int STRINGS = 100;
    /** The generator's seed (values and deleted positions). */
    static final long SEED = 20_261_208L;
    /** Field id of {@code file_path} in position delete files (Iceberg spec). */
    static final int DELETE_FILE_PATH_ID = 2147483546;
    /** Field id of {@code pos} in position delete files (Iceberg spec). */
    static final int DELETE_POS_ID = 2147483545;
    /** The data's columns. */
    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("k", DataType.INT32),
            new Field("v", DataType.FLOAT64), new Field("s", DataType.STRING));
    private static final Schema DELETE_SCHEMA = Schema.of(new Field("file_path", DataType.STRING), new Field("pos", DataType.INT64));
    private static final String PROPERTIES = "bench.properties";

    /** The table directory and what it holds. */
    record Info(Path dir, long rows, int files, long deleted, long deletedIdSum, long dataBytes, long deleteBytes, double secs) {
        /** Rows left after the deletes. */
        long live() {
            return rows - deleted;
        }

        /** The glob of the data files alone (the delete files share their directory). */
        String dataGlob() {
            return dir.resolve("data").resolve("data-*.parquet").toString();
        }
    }

    private IcebergBenchTable() {
    }

    /** The directory name of a table: {@code ice_<rows>_del<fraction>_file<fileRows>}. */
    static String name(long rows, long fileRows, double fraction) {
        return "ice_" + rows + "_del" + String.format(Locale.ROOT, "%.4f", fraction) + "_file" + fileRows;
    }

    /** The table under {@code root}, generated unless an earlier run left it complete. */
    static Info table(Spillway sw, Path root, long rows, long fileRows, double fraction, PrintStream out) throws IOException {
        Path dir = root.toAbsolutePath().resolve(name(rows, fileRows, fraction));
        Path props = dir.resolve(PROPERTIES);
        if (Files.isRegularFile(props)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            out.printf(Locale.ROOT, "table %s: kept from an earlier run (generated in %s s)%n", dir, p.getProperty("secs"));
            return new Info(dir, Long.parseLong(p.getProperty("rows")), Integer.parseInt(p.getProperty("files")),
                    Long.parseLong(p.getProperty("deleted")), Long.parseLong(p.getProperty("deletedIdSum")),
                    Long.parseLong(p.getProperty("dataBytes")), Long.parseLong(p.getProperty("deleteBytes")),
                    Double.parseDouble(p.getProperty("secs")));
        }
        Info info = generate(sw, dir, rows, fileRows, fraction, out);
        Properties p = new Properties();
        p.setProperty("rows", Long.toString(info.rows()));
        p.setProperty("files", Integer.toString(info.files()));
        p.setProperty("deleted", Long.toString(info.deleted()));
        p.setProperty("deletedIdSum", Long.toString(info.deletedIdSum()));
        p.setProperty("dataBytes", Long.toString(info.dataBytes()));
        p.setProperty("deleteBytes", Long.toString(info.deleteBytes()));
        p.setProperty("secs", String.format(Locale.ROOT, "%.1f", info.secs()));
        try (var w = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
            p.store(w, "IcebergBench's table, complete");
        }
        return info;
    }

    private static Info generate(Spillway sw, Path dir, long rows, long fileRows, double fraction, PrintStream out) throws IOException {
        FileSpecs.deleteTree(dir);
        Files.createDirectories(dir.getParent());
        long a = System.nanoTime();
        org.apache.iceberg.Schema schema = new org.apache.iceberg.Schema(
                Types.NestedField.optional(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "k", Types.IntegerType.get()),
                Types.NestedField.optional(3, "v", Types.DoubleType.get()),
                Types.NestedField.optional(4, "s", Types.StringType.get()));
        Table t = new HadoopTables(new Configuration()).create(schema, PartitionSpec.unpartitioned(), Map.of("format-version", "2"),
                dir.toString());
        PartitionSpec spec = t.spec();
        Files.createDirectories(dir.resolve("data"));
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        t.schema().columns().forEach(f -> ids.put(f.name(), f.fieldId()));
        ParquetWriteOptions dataOpts = ParquetWriteOptions.defaults().withFieldIds(ids);
        ParquetWriteOptions deleteOpts = ParquetWriteOptions.defaults()
                .withFieldIds(Map.of("file_path", DELETE_FILE_PATH_ID, "pos", DELETE_POS_ID));
        int files = (int) ((rows + fileRows - 1) / fileRows);
        out.printf(Locale.ROOT, "generating %s: %,d rows in %d data files of up to %,d rows, %.2f%% of each file's rows deleted"
                + " by position (one delete file per data file)...%n", dir, rows, files, fileRows, 100 * fraction);
        AppendFiles append = t.newAppend();
        RowDelta delta = t.newRowDelta();
        long deleted = 0;
        long deletedIdSum = 0;
        long dataBytes = 0;
        long deleteBytes = 0;
        for (int f = 0; f < files; f++) {
            long from = f * fileRows;
            long n = Math.min(fileRows, rows - from);
            // the files' absolute local paths are their locations in the metadata
            String dataPath = dir.resolve("data").resolve(String.format(Locale.ROOT, "data-%05d.parquet", f)).toString();
            write(sw.generate(new DataRows(from, n)), dataPath, dataOpts);
            long size = Files.size(Path.of(dataPath));
            dataBytes += size;
            append.appendFile(DataFiles.builder(spec).withPath(dataPath).withFormat(FileFormat.PARQUET).withFileSizeInBytes(size)
                    .withMetrics(ParquetUtil.fileMetrics(t.io().newInputFile(dataPath), MetricsConfig.forTable(t))).build());

            long[] positions = positions(n, Math.round(n * fraction), new SplittableRandom(SEED * 31 + f));
            for (long p : positions) {
                deletedIdSum += from + p;
            }
            deleted += positions.length;
            if (positions.length > 0) {
                String deletePath = dir.resolve("data").resolve(String.format(Locale.ROOT, "delete-%05d.parquet", f)).toString();
                write(sw.generate(new DeleteRows(dataPath, positions)), deletePath, deleteOpts);
                long dsize = Files.size(Path.of(deletePath));
                deleteBytes += dsize;
                delta.addDeletes(FileMetadata.deleteFileBuilder(spec).ofPositionDeletes().withPath(deletePath).withFormat(FileFormat.PARQUET)
                        .withFileSizeInBytes(dsize).withReferencedDataFile(dataPath)
                        .withMetrics(ParquetUtil.fileMetrics(t.io().newInputFile(deletePath), MetricsConfig.forPositionDelete())).build());
            }
            out.printf(Locale.ROOT, "  file %d/%d: %,d rows (%.1f MB), %,d deleted; %.1f s so far%n", f + 1, files, n, size / 1e6,
                    positions.length, (System.nanoTime() - a) / 1e9);
        }
        append.commit();
        if (deleted > 0) {
            delta.commit();
        }
        double secs = (System.nanoTime() - a) / 1e9;
        out.printf(Locale.ROOT, "  committed with iceberg-core: an append of %d data files, then a row delta of %d position delete files"
                + " (%.1f s in all)%n", files, deleted > 0 ? files : 0, secs);
        return new Info(dir, rows, files, deleted, deletedIdSum, dataBytes, deleteBytes, secs);
    }

    private static void write(DataFrame frame, String path, ParquetWriteOptions opts) {
        try {
            frame.writeParquet(Path.of(path), opts);
        } finally {
            frame.unpersist();
        }
    }

    /** {@code m} of the positions {@code 0 .. n-1}, uniformly without replacement, in order (selection sampling). */
    static long[] positions(long n, long m, SplittableRandom rnd) {
        long[] out = new long[(int) m];
        int k = 0;
        for (long p = 0; p < n && k < m; p++) {
            if (rnd.nextLong(n - p) < m - k) {
                out[k++] = p;
            }
        }
        return out;
    }

    /**
     * What iceberg-core makes of the table: its planner's data files and the position deletes that apply to them
     * (files, delete files, deleted rows); and, when {@code readRows} (small tables: Iceberg's generic reader is
     * slow), the rows its own reader returns and the sum of their ids.
     */
    static String icebergCheck(Info info, boolean readRows, long[] rowsAndIdSum) {
        Table t = new HadoopTables(new Configuration()).load(info.dir().toString());
        long tasks = 0;
        long deleteFiles = 0;
        long deleteRecords = 0;
        long dataRecords = 0;
        try (CloseableIterable<FileScanTask> it = t.newScan().planFiles()) {
            for (FileScanTask task : it) {
                tasks++;
                dataRecords += task.file().recordCount();
                deleteFiles += task.deletes().size();
                deleteRecords += task.deletes().stream().mapToLong(d -> d.recordCount()).sum();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = String.format(Locale.ROOT, "iceberg-core plans %d data files (%,d rows) with %d position delete files (%,d deletes)",
                tasks, dataRecords, deleteFiles, deleteRecords);
        rowsAndIdSum[0] = -1;
        rowsAndIdSum[1] = 0;
        if (readRows) {
            long n = 0;
            long sum = 0;
            try (CloseableIterable<Record> it = IcebergGenerics.read(t).select("id").build()) {
                for (Record r : it) {
                    n++;
                    sum += (Long) r.getField("id");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            rowsAndIdSum[0] = n;
            rowsAndIdSum[1] = sum;
            text += String.format(Locale.ROOT, "; its reader (IcebergGenerics) returns %,d rows", n);
        }
        return text;
    }

    /** A 64-bit mix of {@code x} (SplitMix64's finaliser). */
    static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Rows {@code [offset, offset + rows)} of the table's data. */
    record DataRows(long offset, long rows) implements RowGenerator {
        private static final byte[][] S = new byte[STRINGS][];

        static {
            for (int i = 0; i < S.length; i++) {
                S[i] = String.format(Locale.ROOT, "s%02d", i).getBytes(StandardCharsets.UTF_8);
            }
        }

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public void fill(long fromRow, int count, List<VectorBuilder> builders) {
            RowGenerator.checkFill(this, fromRow, count, builders);
            LongVectorBuilder id = (LongVectorBuilder) builders.get(0);
            IntVectorBuilder k = (IntVectorBuilder) builders.get(1);
            DoubleVectorBuilder v = (DoubleVectorBuilder) builders.get(2);
            StringVectorBuilder s = (StringVectorBuilder) builders.get(3);
            for (int i = 0; i < count; i++) {
                long r = offset + fromRow + i;
                long h = mix(SEED ^ r);
                id.append(r);
                k.append((int) Long.remainderUnsigned(h >>> 20, KEYS));
                v.append((mix(h) >>> 11) * 0x1.0p-53 * 100.0);
                byte[] b = S[(int) ((h & 0xFFFFF) % S.length)];
                s.append(b, 0, b.length);
            }
        }
    }

    /** The rows of a position delete file: {@code (path, positions[i])}. */
    record DeleteRows(String path, long[] positions) implements RowGenerator {
        @Override
        public Schema schema() {
            return DELETE_SCHEMA;
        }

        @Override
        public long rows() {
            return positions.length;
        }

        @Override
        public void fill(long fromRow, int count, List<VectorBuilder> builders) {
            RowGenerator.checkFill(this, fromRow, count, builders);
            StringVectorBuilder p = (StringVectorBuilder) builders.get(0);
            LongVectorBuilder pos = (LongVectorBuilder) builders.get(1);
            byte[] b = path.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < count; i++) {
                p.append(b, 0, b.length);
                pos.append(positions[(int) fromRow + i]);
            }
        }
    }
}

package org.spillway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.spillway.datasets.Events;
import org.spillway.datasets.GroupByData;
import org.spillway.datasets.JoinData;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.CsvOptions;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.spill.DataType;

/**
 * Generated inputs shared by the benchmarks, cached under {@code java.io.tmpdir/spillway-bench} (or a
 * given directory): the CSV files, and their Parquet twins written once by Spillway next to them.
 */
public final class BenchData {
    private BenchData() {
    }

    /** The events CSV with {@code rows} rows (one file), generated once and reused. */
    public static Path eventsCsv(long rows) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench", "events-" + rows);
        Path file = dir.resolve(Events.fileName(0, 1));
        Path done = dir.resolve(".complete");
        if (!Files.exists(done)) {
            Files.createDirectories(dir);
            Events.rows(rows).seed(42).writeCsv(dir, 1);
            Files.writeString(done, "ok");
        }
        return file;
    }

    /** The default directory of the benchmarks' generated tables: {@code java.io.tmpdir/spillway-bench}. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench");
    }

    /** The groupby table {@code dir/<tableName>.csv}, generated if missing (atomically: a file that exists is complete). */
    public static Path groupbyCsv(GroupByData data, Path dir, java.io.PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(data.tableName() + ".csv");
        if (!Files.exists(file)) {
            out.println("generating " + file + " ...");
            data.writeCsv(file);
        }
        return file;
    }

    /** The join table {@code dir/<fileName(table)>}, generated if missing (atomically). */
    public static Path joinCsv(JoinData data, JoinData.Table table, Path dir, java.io.PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(data.fileName(table));
        if (!Files.exists(file)) {
            out.println("generating " + file + " ...");
            data.writeCsv(table, file);
        }
        return file;
    }

    /** CSV options giving every column its type ({@code int32}, {@code string}, ... as {@code DataType.parse} reads them). */
    public static CsvOptions csvOptions(Map<String, String> columnTypes) {
        CsvOptions opts = CsvOptions.defaults();
        for (var col : columnTypes.entrySet()) {
            opts = opts.columnType(col.getKey(), DataType.parse(col.getValue()));
        }
        return opts;
    }

    /** {@code x/y/NAME.csv} to {@code x/y/NAME.parquet}. */
    public static Path parquetName(Path csv) {
        String name = csv.getFileName().toString();
        String base = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return csv.resolveSibling(base + ".parquet");
    }

    /**
     * The Parquet twin of {@code csv} ({@link #parquetName}), written once by Spillway's writer with
     * the default options from the CSV read with {@code columnTypes}, and reused after.
     */
    public static Path parquetOf(Path csv, Map<String, String> columnTypes, java.io.PrintStream out) throws IOException {
        Path pq = parquetName(csv);
        if (!Files.exists(pq)) {
            out.println("writing " + pq + " (Spillway's Parquet writer, default options) ...");
            try (Spillway s = Spillway.builder().progress(false).build()) {
                writeParquetAtomically(s.readCsv(csv, csvOptions(columnTypes)), pq, ParquetWriteOptions.defaults());
            }
        }
        return pq;
    }

    /**
     * Writes {@code frame} as one Parquet file {@code out}: into a temporary {@code .parquet} file in the
     * same directory, then moved onto {@code out}, so a file that exists is complete.
     */
    public static void writeParquetAtomically(DataFrame frame, Path out, ParquetWriteOptions options) throws IOException {
        String name = out.getFileName().toString();
        String base = name.endsWith(".parquet") ? name.substring(0, name.length() - ".parquet".length()) : name;
        Path tmp = out.resolveSibling("." + base + ".tmp-" + ProcessHandle.current().pid() + ".parquet");
        Files.deleteIfExists(tmp);
        boolean done = false;
        try {
            frame.writeParquet(tmp, options);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done && Files.isRegularFile(tmp)) {
                Files.delete(tmp);
            }
        }
    }

    /**
     * Writes the groupby table {@code g} (no nulls) as {@code out/<name>.parquet} from its generator, without a CSV in
     * between; the file holds what reading the table's CSV and writing it gives ({@link GroupByData#fill} yields the
     * values the CSV parses to). The rows stream from the generator into the writer ({@code sw.scanGenerator}): nothing
     * is stored or spilled, so a 1e9-row table needs the memory of a few chunks and row groups. Returns the file.
     *
     * @throws IllegalArgumentException if {@code g} has nulls (the generator writes none)
     */
    public static Path groupbyParquetFromGenerator(GroupByData g, Path out) throws IOException {
        Path pq = out.resolve(g.tableName() + ".parquet");
        try (Spillway sw = Spillway.builder().progress(false).build()) {
            DataFrame rows = sw.scanGenerator(G1Rows.slice(g, 0, g.rows())).drop("id");
            writeParquetAtomically(rows, pq, ParquetWriteOptions.defaults());
        }
        return pq;
    }
}

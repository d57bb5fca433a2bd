package org.spillway.frame.delta.golden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.spillway.frame.delta.GoldenRows;

/**
 * A local Spark session with Delta (the settings of /work/shared/oracles.md) and the helpers both golden programs
 * use: SQL on a path-based table, a version's rows as canonical lines, the change feed of a range.
 */
final class GoldenSpark implements AutoCloseable {
    final SparkSession spark;

    GoldenSpark() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("spillway-delta-golden")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .config("spark.sql.datetime.java8API.enabled", "true")
                .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/spillway-golden-warehouse")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
    }

    /** Runs SQL, {@code $T} replaced by the path-based table {@code delta.`path`}. */
    Dataset<Row> sql(Path table, String sql) {
        return spark.sql(sql.replace("$T", "delta.`" + table.toAbsolutePath() + "`"));
    }

    /** The table's latest version (from the log's commit files). */
    static long latestVersion(Path table) {
        try (Stream<Path> s = Files.list(table.resolve("_delta_log"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.json"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, 20))).max().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spark's rows of {@code version} as canonical lines. */
    List<String> version(Path table, long version) {
        return lines(spark.read().format("delta").option("versionAsOf", version).load(table.toAbsolutePath().toString()));
    }

    /** Spark's change feed of {@code from..to} (inclusive) as canonical lines, without {@code _commit_timestamp}. */
    List<String> changes(Path table, long from, long to) {
        Dataset<Row> df = spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", from)
                .option("endingVersion", to).load(table.toAbsolutePath().toString());
        return lines(df.drop("_commit_timestamp"));
    }

    static List<String> lines(Dataset<Row> df) {
        List<String> cols = Arrays.asList(df.columns());
        List<List<Object>> rows = new ArrayList<>();
        for (Row r : df.collectAsList()) {
            List<Object> v = new ArrayList<>(r.size());
            for (int i = 0; i < r.size(); i++) {
                v.add(r.get(i));
            }
            rows.add(v);
        }
        return GoldenRows.lines(cols, rows);
    }

    /** Deletes a directory tree if it exists. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes Hadoop's {@code .name.crc} side files under {@code dir} (Delta's own {@code NNN.crc} files stay). */
    static void deleteHadoopCrcs(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && n.endsWith(".crc");
            }).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        spark.stop();
    }
}

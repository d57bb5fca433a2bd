package org.spillway.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.spillway.bench.BenchData;
import org.spillway.bench.InputFormat;
import org.spillway.datasets.Events;
import org.spillway.datasets.Flights;
import org.spillway.datasets.JoinData;
import org.spillway.datasets.Synthetic;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;

/**
 * {@code ./spillway gen <dataset> ...}: writes generated data sets as CSV. The labelled data sets
 * (classification, multiclass, regression, flights) go to {@code DIR/train.csv} and
 * {@code DIR/test.csv} (other rows of the same true model) with the true model in
 * {@code DIR/true-model.csv}. The events, groupby and join tables can be written as Parquet instead
 * ({@code --format parquet}): generated as CSV into a hidden directory in the output directory, written as
 * Parquet by Spillway, and the CSV deleted.
 */
final class Gen {
    private Gen() {
    }

    static final String USAGE = """
            usage: ./spillway gen events --rows N --out DIR [--files K] [--seed S] [--format csv|parquet]
                   ./spillway gen groupby --n N --k K [--nas PERCENT] [--sort 0|1] [--seed S] [--format csv|parquet] --out DIR
                   ./spillway gen join --n N [--nas PERCENT] [--seed S] [--format csv|parquet] --out DIR
                   ./spillway gen classification --n N --features D [--categorical K] [--levels L] [--informative I]
                          [--positive-rate P] [--label-noise E] [--signal S] [--seed S] [--test-fraction F] --out DIR
                   ./spillway gen multiclass --n N --features D --classes C [--categorical K] [--levels L]
                          [--label-noise E] [--signal S] [--seed S] [--test-fraction F] --out DIR
                   ./spillway gen regression --n N --features D [--categorical K] [--levels L] [--informative I]
                          [--noise SD] [--signal S] [--seed S] [--test-fraction F] --out DIR
                   ./spillway gen flights --n N [--seed S] [--test-fraction F] --out DIR
            The labelled data sets write DIR/train.csv and DIR/test.csv (F of the N rows, default 0.2, drawn
            independently from the same true model; --test-fraction 0 writes no test set) and the true model's
            coefficients to DIR/true-model.csv. Columns: f0.. (float64), c0.. (string levels a, b, ..), label.
            --format parquet (events, groupby, join) writes the same rows as Parquet instead, one file per CSV file
            it replaces (e.g. G1_1e7_1e2_0_0.parquet), with Spillway's writer and its default options (ZSTD).
            """;

    static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Options o = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "events" -> {
                o.allowOnly("gen events", Set.of("rows", "out", "files", "seed", "format"));
                InputFormat format = format(o);
                long rows = o.count("rows", 1_000_000);
                Path out = Path.of(o.get("out", "data"));
                int files = (int) o.count("files", 1);
                long seed = o.count("seed", 42);
                Files.createDirectories(out);
                long t0 = System.nanoTime();
                if (format == InputFormat.PARQUET) {
                    Path tmp = csvStaging(out);
                    try {
                        Events.rows(rows).seed(seed).writeCsv(tmp, files);
                        long bytes = 0;
                        for (int i = 0; i < files; i++) {
                            bytes += toParquet(tmp.resolve(Events.fileName(i, files)), Events.columnTypes(), out);
                        }
                        System.out.printf(Locale.ROOT, "wrote %,d rows (%.1f MB of Parquet) in %d file(s) to %s in %.1f s%n",
                                rows, bytes / 1e6, files, out, (System.nanoTime() - t0) / 1e9);
                    } finally {
                        Demo.deleteTree(tmp);
                    }
                    return 0;
                }
                long bytes = Events.rows(rows).seed(seed).writeCsv(out, files);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "wrote %,d rows (%.1f MB) in %d file(s) to %s in %.1f s%n",
                        rows, bytes / 1e6, files, out, s);
                return 0;
            }
            case "groupby" -> {
                o.allowOnly("gen groupby", Set.of("n", "k", "nas", "sort", "seed", "out", "format"));
                InputFormat format = format(o);
                org.spillway.datasets.GroupByData g = org.spillway.datasets.GroupByData.of(o.count("n", 10_000_000), (int) o.count("k", 100))
                        .nas((int) o.count("nas", 0)).sorted(o.count("sort", 0) != 0);
                if (o.named().containsKey("seed")) {
                    g = g.seed(o.count("seed", 0));
                }
                Path out = Files.createDirectories(Path.of(o.get("out", "data")));
                long t0 = System.nanoTime();
                if (format == InputFormat.PARQUET && g.nas() == 0) {
                    // from the generator: no staging CSV (the generated rows spill LZ4-compressed instead)
                    Path file = BenchData.groupbyParquetFromGenerator(g, out);
                    System.out.printf(Locale.ROOT, "wrote %s (%,d rows, %.1f MB) in %.1f s%n", file, g.rows(), Files.size(file) / 1e6,
                            (System.nanoTime() - t0) / 1e9);
                    return 0;
                }
                if (format == InputFormat.PARQUET) {
                    Path tmp = csvStaging(out);
                    try {
                        Path file = out.resolve(g.tableName() + format.extension());
                        long bytes = toParquet(g.writeCsvInto(tmp), org.spillway.datasets.GroupByData.columnTypes(), out);
                        System.out.printf(Locale.ROOT, "wrote %s (%,d rows, %.1f MB) in %.1f s%n", file, g.rows(), bytes / 1e6,
                                (System.nanoTime() - t0) / 1e9);
                    } finally {
                        Demo.deleteTree(tmp);
                    }
                    return 0;
                }
                Path file = g.writeCsvInto(out);
                System.out.printf(Locale.ROOT, "wrote %s (%,d rows, %.1f MB) in %.1f s%n", file, g.rows(), Files.size(file) / 1e6,
                        (System.nanoTime() - t0) / 1e9);
                return 0;
            }
            case "join" -> {
                o.allowOnly("gen join", Set.of("n", "nas", "seed", "out", "format"));
                InputFormat format = format(o);
                JoinData j = JoinData.of(o.count("n", 10_000_000)).nas((int) o.count("nas", 0));
                if (o.named().containsKey("seed")) {
                    j = j.seed(o.count("seed", 0));
                }
                Path out = Files.createDirectories(Path.of(o.get("out", "data")));
                long t0 = System.nanoTime();
                Path tmp = format == InputFormat.PARQUET ? csvStaging(out) : null;
                try {
                    for (JoinData.Table t : JoinData.Table.values()) {
                        long t1 = System.nanoTime();
                        Path file = out.resolve(j.tableName(t) + format.extension());
                        long bytes = tmp == null ? j.writeCsv(t, file) : 0;
                        if (tmp != null) {
                            Path csv = tmp.resolve(j.fileName(t));
                            j.writeCsv(t, csv);
                            bytes = toParquet(csv, t.columnTypes(), out);
                        }
                        System.out.printf(Locale.ROOT, "wrote %s (%s, %,d rows, %.1f MB) in %.1f s%n", file, t.label(), j.rows(t),
                                bytes / 1e6, (System.nanoTime() - t1) / 1e9);
                    }
                } finally {
                    if (tmp != null) {
                        Demo.deleteTree(tmp);
                    }
                }
                System.out.printf(Locale.ROOT, "join tables of N = %,d written in %.1f s%n", j.n(), (System.nanoTime() - t0) / 1e9);
                return 0;
            }
            case "classification", "multiclass", "regression" -> {
                try {
                    return synthetic(args[0], o);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    System.err.println("spillway gen " + args[0] + ": " + e.getMessage());
                    return 2;
                }
            }
            case "flights" -> {
                try {
                    return flights(o);
                } catch (IllegalArgumentException e) {
                    System.err.println("spillway gen flights: " + e.getMessage());
                    return 2;
                }
            }
            default -> {
                System.err.println("spillway gen: unknown data set '" + args[0]
                        + "' (known: events, groupby, join, classification, multiclass, regression, flights)");
                return 2;
            }
        }
    }

    private static final Set<String> COMMON = Set.of("n", "seed", "test-fraction", "out");

    /** {@code --format csv|parquet} (default csv). */
    static InputFormat format(Options o) {
        return o.choice("format", InputFormat.CSV, InputFormat.class);
    }

    /** A new hidden directory in {@code out} for the CSV files that {@code --format parquet} converts, deleted after. */
    private static Path csvStaging(Path out) throws IOException {
        return Files.createTempDirectory(out, ".spillway-gen-csv-");
    }

    /**
     * Writes {@code csv} (read with {@code columnTypes}) as {@code out/<name>.parquet} with Spillway's writer and
     * its default options, then deletes {@code csv}; returns the Parquet file's size.
     */
    private static long toParquet(Path csv, Map<String, String> columnTypes, Path out) throws IOException {
        Path pq = out.resolve(BenchData.parquetName(csv).getFileName().toString());
        try (Spillway sw = Spillway.builder().progress(false).build()) {
            BenchData.writeParquetAtomically(sw.readCsv(csv, BenchData.csvOptions(columnTypes)), pq, ParquetWriteOptions.defaults());
        }
        Files.delete(csv);
        return Files.size(pq);
    }

    /** {@code gen classification|multiclass|regression}: train/test CSV files and the true model. */
    private static int synthetic(String task, Options o) throws IOException {
        java.util.Set<String> known = new java.util.HashSet<>(COMMON);
        known.addAll(Set.of("features", "categorical", "levels", "informative", "signal"));
        known.addAll(switch (task) {
            case "classification" -> Set.of("positive-rate", "label-noise");
            case "multiclass" -> Set.of("classes", "label-noise");
            default -> Set.of("noise");
        });
        o.allowOnly("gen " + task, known);
        long n = o.count("n", 1_000_000);
        long testRows = testRows(o, n);
        Synthetic g = switch (task) {
            case "classification" -> Synthetic.classification(n - testRows);
            case "multiclass" -> Synthetic.multiclass(n - testRows).classes(o.integer("classes", 3));
            default -> Synthetic.regression(n - testRows);
        };
        g = g.numericFeatures(o.integer("features", 10)).seed(o.count("seed", Synthetic.DEFAULT_SEED));
        if (o.named().containsKey("categorical") || o.named().containsKey("levels")) {
            g = g.categoricalFeatures(o.integer("categorical", 0), o.integer("levels", 10));
        }
        if (o.named().containsKey("informative")) {
            g = g.informativeFeatures(o.integer("informative", 0));
        }
        if (o.named().containsKey("signal")) {
            g = g.signal(o.number("signal", 2));
        }
        if (o.named().containsKey("positive-rate")) {
            g = g.positiveRate(o.number("positive-rate", 0.5));
        }
        if (o.named().containsKey("label-noise")) {
            g = g.labelNoise(o.number("label-noise", 0));
        }
        if (o.named().containsKey("noise")) {
            g = g.noise(o.number("noise", 1));
        }
        Path out = Files.createDirectories(Path.of(o.get("out", "data")));
        long t0 = System.nanoTime();
        write(out.resolve("train.csv"), g.rows(), g::writeCsv);
        if (testRows > 0) {
            write(out.resolve("test.csv"), testRows, g.withRows(testRows).rowSeed(1)::writeCsv);
        }
        StringBuilder model = new StringBuilder();
        if (g.task() == Synthetic.Task.MULTICLASS) {
            model.append("class,term,coefficient\n");
            for (int k = 0; k < g.classes(); k++) {
                model.append(k).append(",intercept,").append(g.trueIntercept(k)).append('\n');
                for (Map.Entry<String, Double> e : g.trueCoefficients(k).entrySet()) {
                    model.append(k).append(',').append(e.getKey()).append(',').append(e.getValue()).append('\n');
                }
            }
        } else {
            model.append("term,coefficient\nintercept,").append(g.trueIntercept()).append('\n');
            for (Map.Entry<String, Double> e : g.trueCoefficients().entrySet()) {
                model.append(e.getKey()).append(',').append(e.getValue()).append('\n');
            }
        }
        Path modelFile = out.resolve("true-model.csv");
        Files.writeString(modelFile, model);
        System.out.printf(Locale.ROOT, "%s: true model in %s; %s%n", g, modelFile, describe(g));
        System.out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static String describe(Synthetic g) {
        return switch (g.task()) {
            case CLASSIFICATION -> String.format(Locale.ROOT, "label 1 in about %.1f%% of rows (label noise %.3g)",
                    100 * g.positiveRate(), g.labelNoise());
            case MULTICLASS -> g.classes() + " classes of about equal size (label noise " + g.labelNoise() + ")";
            case REGRESSION -> "label = score + N(0, " + g.noise() + "^2), score standard deviation " + g.signal();
        };
    }

    /** {@code gen flights}: train/test CSV files and the true model. */
    private static int flights(Options o) throws IOException {
        o.allowOnly("gen flights", COMMON);
        long n = o.count("n", 1_000_000);
        long testRows = testRows(o, n);
        long seed = o.count("seed", Flights.DEFAULT_SEED);
        Path out = Files.createDirectories(Path.of(o.get("out", "data")));
        long t0 = System.nanoTime();
        write(out.resolve("train.csv"), n - testRows, Flights.rows(n - testRows).seed(seed)::writeCsv);
        if (testRows > 0) {
            write(out.resolve("test.csv"), testRows, Flights.rows(testRows).seed(seed + 1)::writeCsv);
        }
        StringBuilder model = new StringBuilder("term,coefficient\nintercept,").append(Flights.trueIntercept()).append('\n');
        for (Map.Entry<String, Double> e : Flights.trueCoefficients().entrySet()) {
            model.append(e.getKey()).append(',').append(e.getValue()).append('\n');
        }
        Path modelFile = out.resolve("true-model.csv");
        Files.writeString(modelFile, model);
        System.out.printf(Locale.ROOT, "flights (seed %d, test seed %d): about 20%% delayed; true model in %s; done in %.1f s%n",
                seed, seed + 1, modelFile, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** The test rows of {@code n}: {@code round(n * --test-fraction)}, default 0.2. */
    private static long testRows(Options o, long n) {
        if (n < 1) {
            throw new IllegalArgumentException("--n must be at least 1, got " + n);
        }
        double f = o.number("test-fraction", 0.2);
        if (!(f >= 0 && f < 1)) {
            throw new IllegalArgumentException("--test-fraction must be in [0, 1), got " + f);
        }
        return Math.round(n * f);
    }

    @FunctionalInterface
    private interface CsvWrite {
        long write(Path file) throws IOException;
    }

    private static void write(Path file, long rows, CsvWrite w) throws IOException {
        long t0 = System.nanoTime();
        long bytes = w.write(file);
        System.out.printf(Locale.ROOT, "wrote %s (%,d rows, %.1f MB) in %.1f s%n", file, rows, bytes / 1e6, (System.nanoTime() - t0) / 1e9);
    }
}

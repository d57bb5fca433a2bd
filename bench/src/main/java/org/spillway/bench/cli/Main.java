package org.spillway.bench.cli;

import java.util.Arrays;
import java.util.Locale;
import org.spillway.bench.InputFormat;
import org.spillway.frame.io.ParquetWriteOptions.Codec;

/**
 * The {@code ./spillway} subcommands other than {@code shell}: {@code demo}, {@code gen}, {@code bench}, {@code serve}, {@code score},
 * {@code help}.
 */
public final class Main {
    private Main() {
    }

    static final String USAGE = """
            usage: ./spillway <command> [options]
              demo [--rows N] [--memory SIZE] [--keep DIR] [--train-rows N]
                                   generate an events data set 4x larger than the memory limit, read it
                                   with a progress bar, run a filter/derived-column/count pipeline,
                                   a group by and a join with a lookup table, write it as Parquet and
                                   query the file lazily (filter pushdown, row groups skipped), show the
                                   results, the timings and how much spilled; cleans up after
                                   itself (defaults: --rows 5000000 --memory 64m)
              shell [script.jsh]   JShell with Spillway on the class path and its imports made; with
                                   scripts, runs them: JShell commands, values echoed ($3 ==> 42),
                                   stops at the first failing snippet (exit status 1), /exit N exits N
                                   (./spillway shell --help for the options)
              gen events --rows N --out DIR [--files K] [--seed S] [--format csv|parquet]
                                   write the events data set as CSV files (or Parquet: events-000.parquet, ..)
              gen groupby --n 1e7 --k 100 [--nas 0] [--sort 0] [--format csv|parquet] --out DIR
                                   write the db-benchmark groupby table G1_<n>_<k>_<nas>_<sort>.csv (or .parquet)
              gen join --n 1e7 [--nas 0] [--seed S] [--format csv|parquet] --out DIR
                                   write the db-benchmark join tables J1_<n>_NA_<nas>_0.csv (x) and
                                   J1_<n>_<n/1e6|n/1e3|n>_<nas>_0.csv (small, medium, big), or .parquet;
                                   Parquet is written by Spillway's writer with its default options
              gen classification --n 1e7 --features 20 [--categorical K] [--levels L] [--positive-rate P]
                  [--label-noise E] [--seed S] [--test-fraction 0.2] --out DIR
                                   labelled data from a known logistic model: DIR/train.csv, DIR/test.csv
                                   and the true coefficients in DIR/true-model.csv
              gen multiclass --n N --features D --classes C ... --out DIR
                                   the same with labels 0..C-1 from a softmax model
              gen regression --n N --features D [--noise SD] ... --out DIR
                                   the same with a float64 label: a linear model plus Gaussian noise
              gen flights --n N [--seed S] [--test-fraction 0.2] --out DIR
                                   flight delays (hour, dow, month, origin, dest, logdist, label; about 20%
                                   delayed) from a known logistic model: DIR/train.csv and DIR/test.csv
                                   (./spillway gen --help lists every option)
              bench ingest [--rows N] [--threads T] [--memory SIZE]
                                   time CSV ingest in Spillway and DuckDB side by side
              bench groupby [--n 1e7] [--k 100] [--nas 0] [--threads T] [--memory SIZE] [--questions 1,2,..]
                  [--format csv|parquet] [--data DIR]
                                   the ten db-benchmark groupby questions, Spillway beside DuckDB; the
                                   table is generated into DIR if missing (default: the temp directory's
                                   spillway-bench)
              bench window [--n 1e7] [--k 100] [--nas 0] [--threads T] [--memory SIZE] [--questions 1,2,..]
                  [--format csv|parquet] [--data DIR]
                                   window queries on the groupby table (q8 in its window form, a 7-row
                                   rolling sum, a running sum, a rank, a lag), Spillway beside DuckDB
              bench join [--n 1e7] [--threads T] [--memory SIZE] [--data DIR] [--questions 1,2,..]
                  [--format csv|parquet]
                                   the five db-benchmark join questions and a sort of x (question 6),
                                   Spillway beside DuckDB; the four tables are generated into DIR if
                                   missing (default: the temp directory's spillway-bench)
                                   --format csv (default) loads the CSV into both engines once, then times
                                   the questions; --format parquet writes each table once as Parquet with
                                   Spillway's writer (kept next to the CSV) and every run reads the file:
                                   sw.readParquet(file) beside DuckDB's read_parquet('file')
              bench parquet [--n 1e7] [--threads T] [--memory 4g] [--codec zstd|snappy|gzip|lz4_raw|uncompressed]
                  [--data DIR]
                                   Parquet read (into memory) and write (of the read table) of the groupby
                                   table G1_<n>_1e2_0_0 and the join table x, Spillway beside DuckDB: best
                                   of 3 runs, the ratio, row counts and file sizes (default codec zstd)
              bench delta [--n 1e8] [--updates 1e6] [--commits 1000] [--threads T] [--memory 1g] [--runs 2]
                  [--parts write,delete,merge,open] [--data DIR] [--keep true]
                                   Delta tables: write the groupby table (with a key id) twice, with and
                                   without deletion vectors; delete 1% of its rows; merge --updates rows
                                   (90% matching); open a table of --commits small appends (warm times)
              bench iceberg [--rows 1e8] [--file-rows 8388608] [--deletes 0.05] [--threads T] [--memory 1g] [--runs 5]
                  [--data DIR]
                                   scan an Iceberg v2 table with position deletes (5% of each file's rows) and
                                   the same Parquet data files without deletes: a count, sums and two group-bys,
                                   medians and their ratio; the table (Spillway-written files committed with
                                   iceberg-core) is generated once into DIR/iceberg-bench
              bench ml [--n 1e7] [--features 20] [--threads 1,2] [--memory 8g] [--spilled-memory 256m] [--passes 3]
                                   time a full logistic-regression gradient pass (one L-BFGS iteration) and
                                   one SGD epoch, in memory and spilled, per worker count
              bench tune [--n 1e6] [--trials 64] [--max-t 27] [--memory 2g] [--threads N] [--concurrency 1,2,4]
                                   hyperparameter search on flights: wall time and epochs of ASHA, FIFO and
                                   the grid search, and trials per second at each trial concurrency
              bench als [--users 1e6] [--items 1e5] [--ratings 1e8] [--rank 20] [--iterations 3] [--memory 1g]
                  [--threads T] [--noise 0.5]
                                   ALS on synthetic ratings (low rank plus noise) generated into the session:
                                   block preparation, time per iteration, peak RSS, spilled bytes, test RMSE
              bench asof [--labels 1e7] [--features 1e8] [--users 1e5] [--threads T] [--memory 1g] [--data DIR]
                                   an as-of join (joinAsof beside DuckDB's ASOF LEFT JOIN) of labels against
                                   features on user and time, both read from Parquet generated once into DIR
              bench serve [--seconds 3] [--clients 1,16,64] [--batch-rows 256] [--batch-clients 8]
                  [--scoring rows,frame] [--server fork|inprocess] [--url http://HOST:PORT] [--client raw|jdk]
                  [--server-flags="-XX:StartFlightRecording=filename=s.jfr"] [--train-rows 1e5] [--server-pid PID]
                                   the flights pipeline behind ./spillway serve's server on the loopback:
                                   single-row requests/s with p50/p99 latency per client count, then rows/s
                                   for requests of --batch-rows rows, per scoring mode; the server runs in a
                                   child JVM (fork; its CPU time per request is printed apart from the
                                   client's), in this JVM, or is one already running at --url (whose CPU
                                   time is read when --server-pid names its process)
              bench jmh [REGEX] [JMH options]
                                   run the JMH benchmarks (all, or those matching REGEX)
              serve model.json [--name N] [--port 8080] [--host 127.0.0.1] [--max-batch 256] [--max-delay-ms 2]
                  [--max-queue 10000] [--max-body 16m] [--memory 64m] [--scoring auto|rows|frame]
                                   serve a saved model over HTTP until Ctrl-C: POST /v1/models/N/predict
                                   with {"rows": [{...}]} or a CSV body; GET /v1/models, /healthz, /readyz,
                                   /metrics (N defaults to the file name without .json)
              score model.json in.csv|in.parquet out.csv [--memory SIZE]
                                   stream a file (larger than memory is fine) through a saved model into a
                                   CSV of the input columns followed by the columns the model adds
              help                 this text
            """;

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        int status;
        try {
            status = run(cmd, rest);
        } catch (Options.UsageError e) {
            System.err.println("spillway " + cmd + ": " + e.getMessage());
            status = 2;
        } catch (UnsupportedOperationException e) {
            // e.g. Parquet on a build whose reader or writer is not there yet
            System.err.println("spillway " + cmd + ": not supported by this build: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    private static int run(String cmd, String[] rest) throws Exception {
        return switch (cmd) {
            case "demo" -> Demo.run(checked("demo", rest, "rows", "memory", "keep", "train-rows"));
            case "gen" -> Gen.run(rest);
            case "bench" -> bench(rest);
            case "serve" -> ServeCommands.serve(rest);
            case "score" -> ServeCommands.score(rest);
            case "help", "--help", "-h" -> {
                System.out.print(USAGE);
                yield 0;
            }
            default -> {
                System.err.println("spillway: unknown command '" + cmd + "'\n" + USAGE);
                yield 2;
            }
        };
    }

    static int bench(String[] args) throws Exception {
        String what = args.length == 0 ? "" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        if (!what.equals("jmh") && Arrays.asList(rest).contains("--help")) {
            System.out.print(USAGE);
            return 0;
        }
        switch (what) {
            case "ingest" -> {
                Options o = checked("bench ingest", rest, "rows", "threads", "memory");
                return org.spillway.bench.SideBySide.ingest(o.count("rows", 5_000_000),
                        (int) o.count("threads", Runtime.getRuntime().availableProcessors()), o.get("memory", "4g"));
            }
            case "groupby" -> {
                Options o = checked("bench groupby", rest, "n", "k", "nas", "threads", "memory", "questions", "format", "data");
                InputFormat format = Gen.format(o);
                return org.spillway.bench.SideBySide.groupby(o.count("n", 10_000_000), (int) o.count("k", 100),
                        (int) o.count("nas", 0), (int) o.count("threads", Runtime.getRuntime().availableProcessors()),
                        o.get("memory", "4g"), questions(o), format, dataDir(o), System.out);
            }
            case "window" -> {
                Options o = checked("bench window", rest, "n", "k", "nas", "threads", "memory", "questions", "format", "data");
                InputFormat format = Gen.format(o);
                return org.spillway.bench.SideBySide.window(o.count("n", 10_000_000), (int) o.count("k", 100),
                        (int) o.count("nas", 0), (int) o.count("threads", Runtime.getRuntime().availableProcessors()),
                        o.get("memory", "4g"), questions(o), format, dataDir(o), System.out);
            }
            case "join" -> {
                Options o = checked("bench join", rest, "n", "threads", "memory", "data", "questions", "format");
                InputFormat format = Gen.format(o);
                return org.spillway.bench.SideBySide.join(o.count("n", 10_000_000),
                        (int) o.count("threads", Runtime.getRuntime().availableProcessors()), o.get("memory", "4g"), dataDir(o),
                        questions(o), format);
            }
            case "parquet" -> {
                Options o = checked("bench parquet", rest, "n", "threads", "memory", "codec", "data");
                Codec codec = codec(o);
                return org.spillway.bench.ParquetBench.run(o.count("n", 10_000_000),
                        (int) o.count("threads", Runtime.getRuntime().availableProcessors()), o.get("memory", "4g"), codec,
                        dataDir(o));
            }
            case "delta" -> {
                Options o = checked("bench delta", rest, "n", "updates", "commits", "threads", "memory", "runs", "parts", "data", "keep");
                java.util.Set<String> parts = new java.util.LinkedHashSet<>();
                for (String p : o.get("parts", String.join(",", org.spillway.bench.DeltaBench.Config.PARTS)).split(",")) {
                    if (!p.isBlank()) {
                        parts.add(p.strip());
                    }
                }
                org.spillway.bench.DeltaBench.Config c;
                try {
                    c = new org.spillway.bench.DeltaBench.Config(o.count("n", 100_000_000), o.count("updates", 1_000_000),
                            (int) o.count("commits", 1000), (int) o.count("threads", Runtime.getRuntime().availableProcessors()),
                            o.get("memory", "1g"), (int) o.count("runs", 2), parts, dataDir(o), Boolean.parseBoolean(o.get("keep", "false")));
                } catch (IllegalArgumentException e) {
                    throw new Options.UsageError(e.getMessage());
                }
                return org.spillway.bench.DeltaBench.run(c, System.out);
            }
            case "iceberg" -> {
                Options o = checked("bench iceberg", rest, "rows", "file-rows", "deletes", "threads", "memory", "runs", "data");
                org.spillway.bench.IcebergBench.Config c;
                try {
                    c = new org.spillway.bench.IcebergBench.Config(o.count("rows", 100_000_000), o.count("file-rows", 8L << 20),
                            Double.parseDouble(o.get("deletes", "0.05")), (int) o.count("threads", Runtime.getRuntime().availableProcessors()),
                            o.get("memory", "1g"), (int) o.count("runs", 5), dataDir(o));
                } catch (IllegalArgumentException e) {
                    throw new Options.UsageError(e.getMessage());
                }
                return org.spillway.bench.IcebergBench.run(c, System.out);
            }
            case "ml" -> {
                Options o = checked("bench ml", rest, "n", "features", "threads", "memory", "spilled-memory", "passes");
                java.util.List<Integer> threads = new java.util.ArrayList<>();
                for (String t : o.get("threads", "1,2").split(",")) {
                    threads.add(Integer.parseInt(t.strip()));
                }
                java.nio.file.Path spill = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench-ml");
                return org.spillway.bench.MlBench.run(o.count("n", 10_000_000), (int) o.count("features", 20), threads,
                        o.get("memory", "8g"), o.get("spilled-memory", "256m"), (int) o.count("passes", 3), spill);
            }
            case "als" -> {
                Options o = checked("bench als", rest, "users", "items", "ratings", "rank", "iterations", "memory", "threads", "noise");
                java.nio.file.Path spill = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench-als");
                return org.spillway.bench.AlsBench.run(o.count("users", 1_000_000), o.count("items", 100_000),
                        o.count("ratings", 100_000_000), (int) o.count("rank", 20), (int) o.count("iterations", 3),
                        o.get("memory", "1g"), (int) o.count("threads", Runtime.getRuntime().availableProcessors()),
                        Double.parseDouble(o.get("noise", "0.5")), spill);
            }
            case "asof" -> {
                Options o = checked("bench asof", rest, "labels", "features", "users", "threads", "memory", "data");
                return org.spillway.bench.AsofBench.run(o.count("labels", 10_000_000), o.count("features", 100_000_000),
                        o.count("users", 100_000), (int) o.count("threads", Runtime.getRuntime().availableProcessors()),
                        o.get("memory", "1g"), dataDir(o));
            }
            case "serve" -> {
                Options o = checked("bench serve", rest, "seconds", "clients", "batch-rows", "batch-clients", "scoring", "server", "url",
                        "client", "server-flags", "train-rows", "server-pid");
                org.spillway.bench.ServeBench.Setup d = org.spillway.bench.ServeBench.Setup.defaults();
                java.util.List<Integer> clients = new java.util.ArrayList<>();
                for (String c : o.get("clients", "1,16,64").split(",")) {
                    clients.add(Integer.parseInt(c.strip()));
                }
                java.util.List<org.spillway.ml.serve.Scoring> modes = new java.util.ArrayList<>();
                for (String m : o.get("scoring", "rows,frame").split(",")) {
                    modes.add(org.spillway.ml.serve.Scoring.valueOf(m.strip().toUpperCase(Locale.ROOT)));
                }
                String flags = o.get("server-flags", "").strip();
                return org.spillway.bench.ServeBench.run(new org.spillway.bench.ServeBench.Setup(o.integer("train-rows", d.trainRows()),
                        o.number("seconds", d.seconds()), clients, o.integer("batch-rows", d.batchRows()),
                        o.integer("batch-clients", d.batchClients()), modes, o.get("server", d.server()), o.get("url", null),
                        o.get("client", d.client()), flags.isEmpty() ? java.util.List.of() : java.util.List.of(flags.split("\\s+")),
                        o.count("server-pid", 0)),
                        System.out);
            }
            case "tune" -> {
                Options o = checked("bench tune", rest, "n", "trials", "max-t", "memory", "threads", "concurrency");
                java.util.List<Integer> conc = new java.util.ArrayList<>();
                for (String t : o.get("concurrency", "1,2,4").split(",")) {
                    conc.add(Integer.parseInt(t.strip()));
                }
                return org.spillway.bench.TuneBench.run(o.count("n", 1_000_000), (int) o.count("trials", 64), (int) o.count("max-t", 27),
                        o.get("memory", "2g"), (int) o.count("threads", Runtime.getRuntime().availableProcessors()), conc, System.out);
            }
            case "jmh" -> {
                org.openjdk.jmh.Main.main(rest);
                return 0;
            }
            default -> {
                System.err.println("usage: ./spillway bench ingest|groupby|window|join|parquet|delta|iceberg|ml|als|asof|serve|tune|jmh ...\n"
                        + USAGE);
                return 2;
            }
        }
    }

    /**
     * Parses a subcommand's options and fails, naming the options it takes, on any other one, so that a typo
     * such as {@code --thread 1} stops before a long run instead of being ignored.
     */
    private static Options checked(String command, String[] args, String... known) {
        Options o = Options.parse(args);
        o.allowOnly(command, java.util.Set.of(known));
        return o;
    }

    /** {@code --data DIR}, or the temp directory's {@code spillway-bench}. */
    static java.nio.file.Path dataDir(Options o) {
        return o.named().containsKey("data") ? java.nio.file.Path.of(o.get("data", "data")) : org.spillway.bench.BenchData.defaultDir();
    }

    /** {@code --codec zstd|snappy|gzip|lz4_raw|uncompressed} (default zstd, Spillway's writer's default). */
    static Codec codec(Options o) {
        return o.choice("codec", Codec.ZSTD, Codec.class);
    }

    /** The question numbers of {@code --questions 1,2,q3} (empty: all). */
    private static java.util.Set<Integer> questions(Options o) {
        java.util.Set<Integer> only = new java.util.TreeSet<>();
        for (String q : o.get("questions", "").split(",")) {
            if (!q.isBlank()) {
                String t = q.strip().replaceFirst("^q", "");
                try {
                    only.add(Integer.parseInt(t));
                } catch (NumberFormatException e) {
                    throw new Options.UsageError("--questions takes numbers separated by commas, e.g. 1,2,5; not '" + q + "'");
                }
            }
        }
        return only;
    }

    /** Parses a whole number written as 4000000, 4_000_000, 4e6 or 4m-free forms. */
    static long parseCount(String s) {
        String t = s.replace("_", "").toLowerCase(Locale.ROOT);
        try {
            if (t.contains("e")) {
                return (long) Double.parseDouble(t);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new Options.UsageError("not a whole number: '" + s + "' (write e.g. 4000000 or 4e6)");
        }
    }
}

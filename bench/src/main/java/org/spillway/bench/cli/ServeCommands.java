package org.spillway.bench.cli;

import static org.spillway.frame.Functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Spillway;
import org.spillway.ml.Model;
import org.spillway.ml.Models;
import org.spillway.ml.serve.ModelServer;
import org.spillway.ml.serve.Scoring;

/** {@code ./spillway serve} (a model behind HTTP until Ctrl-C) and {@code ./spillway score} (offline batch scoring). */
final class ServeCommands {
    private ServeCommands() {
    }

    /** {@code serve model.json [--name N] [--port 8080] [--host H] [--max-batch 256] [--max-delay-ms 2] [--max-queue 10000] [--scoring S]}. */
    static int serve(String[] args) throws InterruptedException {
        Options o = Options.parse(args);
        allowNamed(o, "serve", Set.of("name", "port", "host", "max-batch", "max-delay-ms", "max-queue", "max-body", "memory",
                "scoring"));
        if (o.positional().size() != 1) {
            throw new Options.UsageError("serve takes one model file: ./spillway serve model.json --name flights --port 8080");
        }
        Path file = Path.of(o.positional().getFirst());
        if (!Files.isRegularFile(file)) {
            throw new Options.UsageError("no model file " + file);
        }
        String name = o.get("name", file.getFileName().toString().replaceFirst("\\.json$", ""));
        Model model = Models.load(file);
        ModelServer.Builder b = ModelServer.builder().model(name, model).port(o.integer("port", 8080))
                .maxBatchSize(o.integer("max-batch", 256)).maxBatchDelay(Duration.ofNanos((long) (o.number("max-delay-ms", 2) * 1e6)))
                .maxQueuedRequests(o.integer("max-queue", 10_000)).memoryLimit(o.get("memory", "64m"))
                .scoring(o.choice("scoring", Scoring.AUTO, Scoring.class));
        if (o.named().containsKey("host")) {
            b.host(o.get("host", "127.0.0.1"));
        }
        if (o.named().containsKey("max-body")) {
            b.maxBodyBytes(org.spillway.spill.memory.MemoryBudget.parseBytes(o.get("max-body", "16m")));
        }
        ModelServer server = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("spillway serve: stopping (draining requests in flight)...");
            server.stop(Duration.ofSeconds(10));
            stopped.countDown();
        }));
        System.out.printf(Locale.ROOT, "Serving model '%s' (version 1, inputs %s)%n  POST %s%n  GET  %s/v1/models  %s/metrics%n"
                + "Press Ctrl-C to stop.%n", name, server.inputSchema(name).names(), server.predictUrl(name), server.url(), server.url());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * {@code score model.json in.csv|in.parquet out.csv}: streams the input through the model into a CSV of the input
     * columns, as read, followed by the columns the model adds. Lazy end to end: the reader's chunks go through the
     * model's expressions and the CSV writer in order, so the file may be larger than memory.
     */
    static int score(String[] args) {
        Options o = Options.parse(args);
        allowNamed(o, "score", Set.of("memory"));
        if (o.positional().size() != 3) {
            throw new Options.UsageError("score takes a model, an input and an output: ./spillway score model.json in.csv out.csv");
        }
        Path modelFile = Path.of(o.positional().get(0));
        String in = o.positional().get(1);
        Path out = Path.of(o.positional().get(2));
        Model model = Models.load(modelFile);
        Spillway.Builder sb = Spillway.builder();
        if (o.named().containsKey("memory")) {
            sb.memoryLimit(o.get("memory", "1g"));
        }
        long t0 = System.nanoTime();
        try (Spillway sw = sb.build()) {
            DataFrame input = in.toLowerCase(Locale.ROOT).endsWith(".parquet") || Files.isDirectory(Path.of(in))
                    ? sw.readParquet(in) : sw.readCsv(in);
            DataFrame scored = scoredKeepingInputs(model, input);
            scored.writeCsv(out.toString());
            System.out.printf(Locale.ROOT, "Scored %s with %s into %s (columns %s) in %.1f s; spilled %,d bytes%n", in, modelFile, out,
                    scored.columns(), (System.nanoTime() - t0) / 1e9, sw.spilledBytes());
        }
        return 0;
    }

    /**
     * The input's columns as they are, then the columns {@code model} adds: a model's stages may replace input columns
     * (an encoder writes slot codes over the strings), so the inputs are copied under hidden names first and put back.
     */
    static DataFrame scoredKeepingInputs(Model model, DataFrame input) {
        List<String> cols = input.columns();
        DataFrame copied = input;
        for (String c : cols) {
            copied = copied.withColumn("__input__" + c, col(c));
        }
        DataFrame scored = model.transform(copied);
        List<Expr> select = new ArrayList<>();
        for (String c : cols) {
            select.add(col("__input__" + c).as(c));
        }
        for (String c : scored.columns()) {
            if (!cols.contains(c) && !c.startsWith("__input__")) {
                select.add(col(c));
            }
        }
        return scored.select(select.toArray(Expr[]::new));
    }

    private static void allowNamed(Options o, String command, Set<String> known) {
        for (String n : o.named().keySet()) {
            if (!known.contains(n)) {
                throw new Options.UsageError("unknown option --" + n + " for '" + command + "'; its options are "
                        + known.stream().sorted().map(k -> "--" + k).reduce((a, b) -> a + " " + b).orElse("(none)"));
            }
        }
    }
}

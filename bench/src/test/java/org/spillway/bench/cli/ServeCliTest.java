package org.spillway.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Flights;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.ml.LogisticRegression;
import org.spillway.ml.OneHotEncoder;
import org.spillway.ml.Pipeline;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.StandardScaler;
import org.spillway.ml.serve.Scoring;

/** {@code ./spillway score} on CSV and Parquet input, and {@code ./spillway bench serve} at a tiny scale. */
class ServeCliTest {
    @TempDir
    Path dir;

    @Test
    void scoreWritesTheInputColumnsAndThePredictionsOfTransform() throws Exception {
        Path modelFile = dir.resolve("model.json");
        Path csv = dir.resolve("in.csv");
        Path parquet = dir.resolve("in.parquet");
        try (Spillway sw = Spillway.builder().memoryLimit("256m").progress(false).build()) {
            DataFrame train = sw.generate(Flights.rows(20_000).seed(1));
            PipelineModel model = new Pipeline(new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest"),
                    new StandardScaler().inputCols("logdist"), new LogisticRegression().labelCol("label").maxIter(20)).fit(train);
            model.save(modelFile);
            DataFrame test = sw.generate(Flights.rows(3_000).seed(2));
            test.writeCsv(csv.toString());
            test.writeParquet(parquet.toString());
        }
        for (Path in : List.of(csv, parquet)) {
            Path out = dir.resolve("out-" + in.getFileName() + ".csv");
            assertEquals(0, ServeCommands.score(new String[] {modelFile.toString(), in.toString(), out.toString()}));
            try (Spillway sw = Spillway.builder().memoryLimit("256m").progress(false).build()) {
                DataFrame scored = sw.readCsv(out.toString());
                assertEquals(List.of("hour", "dow", "month", "origin", "dest", "logdist", "label", "rawPrediction", "probability",
                        "prediction"), scored.columns());
                DataFrame input = in == csv ? sw.readCsv(in.toString()) : sw.readParquet(in.toString());
                List<Row> want = PipelineModel.load(modelFile.toString()).transform(input).select("probability", "prediction").rows();
                List<Row> got = scored.rows();
                List<Row> inputs = input.rows();
                assertEquals(3_000, got.size());
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(inputs.get(i).get("origin"), got.get(i).get("origin"), "row " + i);
                    assertEquals(inputs.get(i).getDouble("logdist"), got.get(i).getDouble("logdist"), 0.0, "row " + i);
                    assertEquals(want.get(i).getDouble("probability"), got.get(i).getDouble("probability"), 1e-15, "row " + i);
                    assertEquals(want.get(i).getDouble("prediction"), got.get(i).getDouble("prediction"), 0.0, "row " + i);
                }
            }
        }
        Options.UsageError e = assertThrows(Options.UsageError.class, () -> ServeCommands.score(new String[] {modelFile.toString()}));
        assertTrue(e.getMessage().contains("model, an input and an output"), e.getMessage());
    }

    @Test
    void serveRefusesAMissingFileAndUnknownOptions() {
        Options.UsageError e = assertThrows(Options.UsageError.class,
                () -> ServeCommands.serve(new String[] {dir.resolve("none.json").toString()}));
        assertTrue(e.getMessage().contains("no model file"), e.getMessage());
        e = assertThrows(Options.UsageError.class, () -> ServeCommands.serve(new String[] {"m.json", "--prot", "80"}));
        assertTrue(e.getMessage().contains("--prot"), e.getMessage());
    }

    @Test
    void benchServeRunsAtATinyScale() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        assertEquals(0, org.spillway.bench.ServeBench.run(5_000, 0.3, List.of(1, 4), 16, List.of(Scoring.ROWS),
                new java.io.PrintStream(bytes, true)));
        String out = bytes.toString();
        assertTrue(out.contains("1 row, 4 clients") && out.contains("16 rows, 8 clients"), out);
        assertFalse(out.contains("NaN"), out);
    }

    @Test
    void benchServeForksTheServerAndLoadsItWithRawKeepAliveSockets() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        var setup = new org.spillway.bench.ServeBench.Setup(5_000, 0.4, List.of(1, 4), 16, 2, List.of(Scoring.ROWS), "fork", null,
                "raw", List.of(), 0);
        assertEquals(0, org.spillway.bench.ServeBench.run(setup, new java.io.PrintStream(bytes, true)));
        String out = bytes.toString();
        assertTrue(out.contains("server in a child JVM"), out);
        List<String> lines = out.lines().toList();
        String four = lines.stream().filter(l -> l.contains("1 row, 4 clients")).findFirst().orElseThrow();
        // the forked server's CPU time is known, and the 4 clients kept 4 connections open, closing none
        assertTrue(four.matches(".* \\d+ us/r +\\d+ us/r +4/0$"), four);
        assertTrue(out.contains("GET /healthz, 4 cl.") && out.contains("16 rows, 2 clients"), out);
        assertFalse(out.contains("NaN"), out);
    }
}

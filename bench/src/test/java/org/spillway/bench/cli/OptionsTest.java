package org.spillway.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.bench.InputFormat;
import org.spillway.frame.io.ParquetWriteOptions.Codec;

/** A mistyped option stops a subcommand before it starts work, naming the options it takes. */
class OptionsTest {
    @Test
    void benchRejectsAnUnknownOptionBeforeLoadingAnything() {
        Options.UsageError e = assertThrows(Options.UsageError.class,
                () -> Main.bench(new String[] {"groupby", "--thread", "1"}));
        assertTrue(e.getMessage().contains("--thread") && e.getMessage().contains("--threads"), e.getMessage());
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"join", "--n", "1e7x"}));
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"ml", "--k", "3"}));
    }

    @Test
    void genRejectsAnUnknownOptionAndWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Options.UsageError e = assertThrows(Options.UsageError.class,
                () -> Gen.run(new String[] {"groupby", "--n", "1000", "--kk", "10", "--out", out.toString()}));
        assertTrue(e.getMessage().contains("--kk"), e.getMessage());
        assertTrue(Files.notExists(out));
        assertEquals(0, Gen.run(new String[] {"groupby", "--n", "1000", "--k", "10", "--out", out.toString()}));
        assertTrue(Files.exists(out.resolve("G1_1e3_1e1_0_0.csv")));
    }

    @Test
    void helpIsNotAnUnknownOption() throws Exception {
        assertEquals(0, Main.bench(new String[] {"groupby", "--help"}));
    }

    @Test
    void formatAndCodecAreParsedInAnyCaseAndDefaultToCsvAndZstd() {
        assertEquals(InputFormat.CSV, Gen.format(Options.parse(new String[] {})));
        assertEquals(InputFormat.PARQUET, Gen.format(Options.parse(new String[] {"--format", "parquet"})));
        assertEquals(InputFormat.PARQUET, Gen.format(Options.parse(new String[] {"--format=PARQUET"})));
        assertEquals(InputFormat.CSV, Gen.format(Options.parse(new String[] {"--format", "Csv"})));
        assertEquals(Codec.ZSTD, Main.codec(Options.parse(new String[] {})));
        assertEquals(Codec.SNAPPY, Main.codec(Options.parse(new String[] {"--codec", "snappy"})));
        assertEquals(Codec.LZ4_RAW, Main.codec(Options.parse(new String[] {"--codec", "lz4-raw"})));
        assertEquals(Codec.LZ4_RAW, Main.codec(Options.parse(new String[] {"--codec", "lz4_raw"})));
        assertEquals(Codec.UNCOMPRESSED, Main.codec(Options.parse(new String[] {"--codec", "UNCOMPRESSED"})));
        Options.UsageError e = assertThrows(Options.UsageError.class, () -> Main.codec(Options.parse(new String[] {"--codec", "brotli"})));
        assertTrue(e.getMessage().contains("brotli") && e.getMessage().contains("zstd") && e.getMessage().contains("snappy"),
                e.getMessage());
        e = assertThrows(Options.UsageError.class, () -> Gen.format(Options.parse(new String[] {"--format", "orc"})));
        assertTrue(e.getMessage().contains("--format") && e.getMessage().contains("csv, parquet"), e.getMessage());
    }

    @Test
    void parquetOptionsAreCheckedBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        String d = data.toString();
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"parquet", "--codec", "brotli", "--data", d}));
        Options.UsageError e = assertThrows(Options.UsageError.class,
                () -> Main.bench(new String[] {"parquet", "--thread", "1", "--data", d}));
        assertTrue(e.getMessage().contains("--codec") && e.getMessage().contains("--threads"), e.getMessage());
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"parquet", "--format", "parquet", "--data", d}));
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"groupby", "--format", "orc", "--data", d}));
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"join", "--format", "parquets", "--data", d}));
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"ingest", "--format", "parquet"}));
        assertThrows(Options.UsageError.class, () -> Gen.run(new String[] {"groupby", "--n", "1000", "--format", "pq", "--out", d}));
        assertThrows(Options.UsageError.class, () -> Gen.run(new String[] {"join", "--n", "1000", "--format", "xml", "--out", d}));
        assertThrows(Options.UsageError.class, () -> Gen.run(new String[] {"events", "--rows", "1000", "--format", "json", "--out", d}));
        // only events, groupby and join take --format (the labelled data sets report usage errors as status 2)
        assertEquals(2, Gen.run(new String[] {"flights", "--n", "1000", "--format", "parquet", "--out", d}));
        assertEquals(2, Gen.run(new String[] {"classification", "--n", "1000", "--format", "parquet", "--out", d}));
        assertTrue(Files.notExists(data), "nothing generated");
    }

    @Test
    void helpNamesTheParquetCommands() throws Exception {
        assertTrue(Main.USAGE.contains("bench parquet") && Main.USAGE.contains("--format csv|parquet")
                && Main.USAGE.contains("--codec"), Main.USAGE);
        assertTrue(Gen.USAGE.contains("--format csv|parquet"), Gen.USAGE);
        assertEquals(0, Main.bench(new String[] {"parquet", "--help"}));
        for (String line : Main.USAGE.lines().toList()) {
            assertTrue(line.length() <= 120, "usage lines fit a terminal: " + line);
        }
    }
}

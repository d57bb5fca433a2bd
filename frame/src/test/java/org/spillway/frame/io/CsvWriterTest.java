package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.spillway.frame.io.CsvTestSupport.readAll;
import static org.spillway.frame.io.CsvTestSupport.row;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.VectorBuilder;

class CsvWriterTest {
    @TempDir
    Path dir;

    private static final Schema SCHEMA = Schema.of(new Field("s", DataType.STRING), new Field("i", DataType.INT32),
            new Field("l", DataType.INT64), new Field("d", DataType.FLOAT64), new Field("b", DataType.BOOL),
            new Field("dt", DataType.DATE), new Field("ts", DataType.TIMESTAMP));

    private static Chunk chunk(MemoryBudget budget, Schema schema, List<List<Object>> rows) {
        List<VectorBuilder> bs = new ArrayList<>();
        for (int c = 0; c < schema.size(); c++) {
            VectorBuilder b = VectorBuilder.forType(schema.type(c), rows.size());
            for (List<Object> r : rows) {
                b.appendObject(r.get(c));
            }
            bs.add(b);
        }
        return Chunk.build(schema, bs, budget, "test");
    }

    private static List<List<Object>> sample() {
        return List.of(
                row("plain", 1, 5_000_000_000L, 2.0, true, LocalDate.of(2024, 2, 29), Instant.parse("2024-02-29T01:02:03.456789Z")),
                row("", -2, -1L, 0.1, false, LocalDate.of(1900, 1, 1), Instant.parse("1960-01-01T00:00:00Z")),
                row(null, null, null, null, null, null, null),
                row("a,b \"q\"\nnext\r\nline", Integer.MIN_VALUE, Long.MAX_VALUE, 1e-7, true, LocalDate.of(9999, 12, 31),
                        Instant.parse("2038-01-19T03:14:08Z")),
                row(" lead", 0, 0L, -0.0, false, LocalDate.of(1970, 1, 1), Instant.EPOCH),
                row("#hash", 0, 0L, Double.NaN, false, null, null),
                row("trail ", 0, 0L, Double.POSITIVE_INFINITY, false, null, null),
                row("日本語 😀", 0, 0L, -1.7976931348623157E308, false, null, null),
                row("12", 0, 0L, 123456789012.5, false, null, null));
    }

    @Test
    void roundTripsEveryTypeNullsEmptiesAndAwkwardStrings() {
        Path target = dir.resolve("out/all.csv");
        try (MemoryBudget budget = new MemoryBudget(64 << 20)) {
            try (CsvWriter w = CsvWriter.open(target, SCHEMA, CsvOptions.defaults());
                 Chunk c = chunk(budget, SCHEMA, sample())) {
                w.write(c);
                w.write(c);
                assertEquals(18, w.rowsWritten());
            }
        }
        CsvSource src = CsvSource.open(target.toString(), CsvOptions.defaults().schema(SCHEMA));
        List<List<Object>> back = readAll(src);
        List<List<Object>> want = new ArrayList<>(sample());
        want.addAll(sample());
        assertEquals(want, back);
        // inference reads the same types back (the string column holds non-numbers)
        CsvSource inferred = CsvSource.open(target.toString(), CsvOptions.defaults());
        assertEquals(SCHEMA, inferred.schema());
        assertEquals(want, readAll(inferred));
    }

    @Test
    void quotingMatchesCommonsMinimalModeAndNullTokensAreQuoted() throws IOException {
        Schema s = Schema.of(new Field("x y", DataType.STRING), new Field("v", DataType.STRING));
        Path target = dir.resolve("q.csv");
        try (MemoryBudget budget = new MemoryBudget(1 << 20);
             CsvWriter w = CsvWriter.open(target, s, CsvOptions.defaults().nullValues("NA"));
             Chunk c = chunk(budget, s, List.of(row("NA", null), row("a\"b", "")))) {
            w.write(c);
        }
        assertEquals("x y,v\n\"NA\",NA\n\"a\"\"b\",\"\"\n", Files.readString(target));
    }

    @Test
    void doublesAreWrittenToReadBackExactly() {
        assertEquals("2.0", CsvWriter.formatDouble(2.0));
        assertEquals("-3.0", CsvWriter.formatDouble(-3.0));
        assertEquals("10000000000.0", CsvWriter.formatDouble(1e10));
        assertEquals("-0.0", CsvWriter.formatDouble(-0.0));
        assertEquals("1.0E20", CsvWriter.formatDouble(1e20));
        assertEquals("0.1", CsvWriter.formatDouble(0.1));
    }

    @Test
    void abortLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("keep.csv");
        Files.writeString(target, "old,content\n");
        try (MemoryBudget budget = new MemoryBudget(64 << 20);
             Chunk c = chunk(budget, SCHEMA, sample())) {
            CsvWriter w = CsvWriter.open(target, SCHEMA, CsvOptions.defaults());
            w.write(c);
            w.abort();
            w.close(); // no effect after abort
        }
        assertEquals("old,content\n", Files.readString(target));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void aFailedWriteInsideTryWithResourcesDoesNotReplaceTheTarget() throws IOException {
        Path target = dir.resolve("keep2.csv");
        Files.writeString(target, "old\n");
        Schema other = Schema.of(new Field("n", DataType.INT32));
        try (MemoryBudget budget = new MemoryBudget(64 << 20)) {
            assertThrows(IllegalArgumentException.class, () -> {
                try (CsvWriter w = CsvWriter.open(target, SCHEMA, CsvOptions.defaults());
                     Chunk good = chunk(budget, SCHEMA, sample());
                     Chunk bad = chunk(budget, other, List.of(row(1)))) {
                    w.write(good);
                    w.write(bad);
                }
            });
        }
        assertEquals("old\n", Files.readString(target));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void closeReplacesAnExistingFile() throws IOException {
        Path target = dir.resolve("replace.csv");
        Files.writeString(target, "old\n");
        Schema s = Schema.of(new Field("n", DataType.INT64));
        try (MemoryBudget budget = new MemoryBudget(1 << 20);
             CsvWriter w = CsvWriter.open(target, s, CsvOptions.defaults().header(false));
             Chunk c = chunk(budget, s, List.of(row(7L), row(8L)))) {
            w.write(c);
            assertEquals("old\n", Files.readString(target)); // nothing visible before close
        }
        assertEquals("7\n8\n", Files.readString(target));
        assertEquals(List.of(target), listDir());
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !Files.isDirectory(p)).sorted().toList();
        }
    }
}

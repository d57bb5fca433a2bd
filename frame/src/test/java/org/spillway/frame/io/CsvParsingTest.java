package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.CsvTestSupport.read;
import static org.spillway.frame.io.CsvTestSupport.readAll;
import static org.spillway.frame.io.CsvTestSupport.row;
import static org.spillway.frame.io.CsvTestSupport.write;
import static org.spillway.frame.io.CsvTestSupport.writeBytes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

class CsvParsingTest {
    @TempDir
    Path dir;

    private static CsvOptions strings(int columns) {
        Field[] f = new Field[columns];
        for (int i = 0; i < columns; i++) {
            f[i] = new Field("c" + (i + 1), DataType.STRING);
        }
        return CsvOptions.defaults().schema(Schema.of(f));
    }

    @Test
    void quotedDelimitersAndDoubledQuotes() {
        Path f = write(dir, "q.csv", "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"\"\"\",plain\"quote\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        assertEquals(List.of(row("x,y", "say \"hi\""), row("\"", "plain\"quote")), readAll(src));
    }

    @Test
    void embeddedNewlinesParseAndTheFileIsNotSplit() {
        StringBuilder sb = new StringBuilder("id,text\n");
        for (int i = 0; i < 500; i++) {
            sb.append(i).append(",\"line one\nline two, ").append(i).append("\r\nthird\"\n");
        }
        Path f = write(dir, "nl.csv", sb.toString());
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().splitBytes(100));
        assertTrue(src.hasQuotedNewlines());
        assertEquals(1, src.splits().size());
        List<List<Object>> rows = read(src, new int[] {0, 1}, 7);
        assertEquals(500, rows.size());
        for (int i = 0; i < 500; i++) {
            assertEquals(row(i, "line one\nline two, " + i + "\r\nthird"), rows.get(i));
        }
    }

    @Test
    void emptyUnquotedIsNullQuotedEmptyIsEmptyString() {
        Path f = write(dir, "e.csv", "s,n\n,1\n\"\",\n x ,3\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        assertEquals(DataType.STRING, src.schema().type(0));
        assertEquals(DataType.INT32, src.schema().type(1));
        assertEquals(List.of(row(null, 1), row("", null), row(" x ", 3)), readAll(src));
    }

    @Test
    void customNullTokensMatchOnlyUnquoted() {
        Path f = write(dir, "na.csv", "s,n\nNA,NA\n\"NA\",2\n,\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().nullValues("NA"));
        assertEquals(DataType.INT32, src.schema().type(1));
        // "" is not a token here: an empty string field stays the empty string, an empty int is null
        assertEquals(List.of(row(null, null), row("NA", 2), row("", null)), readAll(src));
    }

    @Test
    void bomIsSkipped() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        b.write("name,v\nä,1\n".getBytes(StandardCharsets.UTF_8));
        Path f = writeBytes(dir, "bom.csv", b.toByteArray());
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        assertEquals(List.of("name", "v"), src.schema().names());
        assertEquals(List.of(row("ä", 1)), readAll(src));
        // without a header the BOM must not leak into the first value either
        Path g = writeBytes(dir, "bom2.csv", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '7', ',', 'x'});
        CsvSource s2 = CsvSource.open(g.toString(), CsvOptions.defaults().header(false));
        assertEquals(List.of(row(7, "x")), readAll(s2));
    }

    @Test
    void crlfLoneCrTrailingNewlineOrNoneAndBlankLines() {
        String[] variants = {
            "a,b\r\n1,x\r\n2,y\r\n",
            "a,b\n1,x\n2,y",
            "a,b\r\n1,x\r\n2,y",
            "a,b\r1,x\r2,y\r",
            "a,b\n\n1,x\n\r\n\n2,y\n\n\n",
        };
        int i = 0;
        for (String v : variants) {
            Path f = write(dir, "v" + (i++) + ".csv", v);
            for (int buffer = 0; buffer < 12; buffer++) {
                CsvTokenizer.testBufferSize = buffer; // 0 = the normal size; 1.. = refills everywhere
                try {
                    CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
                    assertEquals(List.of(row(1, "x"), row(2, "y")), readAll(src), v + " buffer " + buffer);
                } finally {
                    CsvTokenizer.testBufferSize = 0;
                }
            }
        }
    }

    @Test
    void trailingEmptyFieldAndEmptyLastField() {
        Path f = write(dir, "t.csv", "a,b,c\n1,2,\n3,,");
        CsvSource src = CsvSource.open(f.toString(), strings(3));
        assertEquals(List.of(row("1", "2", null), row("3", null, null)), readAll(src));
    }

    @Test
    void unicodeValuesAndNames() {
        Path f = write(dir, "u.csv", "città,€\n日本語,\"emoji 😀, ok\"\nñ,ß\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        assertEquals(List.of("città", "€"), src.schema().names());
        assertEquals(List.of(row("日本語", "emoji 😀, ok"), row("ñ", "ß")), readAll(src));
    }

    @Test
    void whitespaceAfterClosingQuoteIsDropped() {
        Path f = write(dir, "w.csv", "a,b\n\"x\"  ,\"y\"\t\n");
        assertEquals(List.of(row("x", "y")), readAll(CsvSource.open(f.toString(), CsvOptions.defaults())));
    }

    @Test
    void escapeCharacterLikeCommonsCsv() {
        Path f = write(dir, "esc.csv", "a,b\nx\\,y,\"q\\\"z\"\n\\n\\q,\"a\\\\b\"\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().escape('\\'));
        assertEquals(List.of(row("x,y", "q\"z"), row("\n\\q", "a\\b")), readAll(src));
    }

    @Test
    void otherDelimiterAndQuote() {
        Path f = write(dir, "semi.csv", "a;b\n'x;y';2\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().delimiter(';').quote('\''));
        assertEquals(List.of(row("x;y", 2)), readAll(src));
    }

    @Test
    void noHeaderNamesColumns() {
        Path f = write(dir, "nh.csv", "1,x\n2,y\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().header(false));
        assertEquals(List.of("column_1", "column_2"), src.schema().names());
        assertEquals(List.of(row(1, "x"), row(2, "y")), readAll(src));
    }

    @Test
    void duplicateAndBlankHeaderNamesAreMadeUnique() {
        Path f = write(dir, "dup.csv", "a,a,,b\n1,2,3,4\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        assertEquals(List.of("a", "a_1", "column_3", "b"), src.schema().names());
    }

    @Test
    void projectionPicksAndReordersColumnsAndSkipsBadValuesElsewhere() {
        Path f = write(dir, "p.csv", "a,b,c\n1,x,1.5\n2,y,2.5\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().columnType("a", DataType.INT32));
        assertEquals(List.of(row(1.5, 1), row(2.5, 2)), read(src, new int[] {2, 0}, 10));
        assertEquals(2, CsvTestSupport.count(src, 1));
        // a value that would not parse is never looked at when its column is not read
        Path g = write(dir, "p2.csv", "a,b\n1,x\nzz,y\n");
        CsvSource s2 = CsvSource.open(g.toString(), CsvOptions.defaults().schema(Schema.of(
                new Field("a", DataType.INT32), new Field("b", DataType.STRING))));
        assertEquals(List.of(row("x"), row("y")), read(s2, new int[] {1}, 10));
    }

    @Test
    void chunksHoldAtMostChunkRows() {
        StringBuilder sb = new StringBuilder("n\n");
        for (int i = 0; i < 1000; i++) {
            sb.append(i).append('\n');
        }
        Path f = write(dir, "c.csv", sb.toString());
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        List<List<Object>> rows = read(src, new int[] {0}, 33);
        assertEquals(1000, rows.size());
        assertEquals(999, rows.get(999).get(0));
        assertEquals(1000, CsvTestSupport.count(src, 64));
    }

    @Test
    void typedValuesRoundTrip() {
        Path f = write(dir, "typed.csv", "b,i,l,d,dt,ts\n"
                + "true,1,10000000000,1.5,2024-02-29,2024-02-29T12:34:56.789Z\n"
                + "FALSE,-2,-3,-1e3,1970-01-01,1970-01-01 00:00:01+01:00\n"
                + ",,,,,\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        assertEquals(List.of(DataType.BOOL, DataType.INT32, DataType.INT64, DataType.FLOAT64, DataType.DATE,
                DataType.TIMESTAMP), src.schema().fields().stream().map(Field::type).toList());
        List<List<Object>> rows = readAll(src);
        assertEquals(true, rows.get(0).get(0));
        assertEquals(1, rows.get(0).get(1));
        assertEquals(10000000000L, rows.get(0).get(2));
        assertEquals(1.5, rows.get(0).get(3));
        assertEquals(LocalDate.of(2024, 2, 29), rows.get(0).get(4));
        assertEquals(java.time.Instant.parse("2024-02-29T12:34:56.789Z"), rows.get(0).get(5));
        assertEquals(row(false, -2, -3L, -1000.0, LocalDate.of(1970, 1, 1), java.time.Instant.parse("1969-12-31T23:00:01Z")),
                rows.get(1));
        assertEquals(row(null, null, null, null, null, null), rows.get(2));
    }

    @Test
    void splittingALargeFileGivesTheSameRowsAsOneSplit() {
        StringBuilder sb = new StringBuilder("id,name,score\r\n");
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            sb.append(i).append(",n").append(rnd.nextInt(100)).append(',').append(rnd.nextDouble()).append("\r\n");
        }
        Path f = write(dir, "big.csv", sb.toString());
        CsvSource whole = CsvSource.open(f.toString(), CsvOptions.defaults());
        CsvSource split = CsvSource.open(f.toString(), CsvOptions.defaults().splitBytes(4096));
        assertEquals(1, whole.splits().size());
        List<CsvSplit> splits = split.splits();
        assertTrue(splits.size() > 50, "splits: " + splits.size());
        assertFalse(split.hasQuotedNewlines());
        // contiguous, starting after the header, each first byte right after a '\n'
        long at = splits.getFirst().start();
        for (CsvSplit s : splits) {
            assertEquals(at, s.start());
            at = s.end();
        }
        assertEquals(f.toFile().length(), at);
        assertEquals(readAll(whole), read(split, new int[] {0, 1, 2}, 100));
    }

    @Test
    void parsersOnSeveralThreadsShareOneSource() throws Exception {
        StringBuilder sb = new StringBuilder("n,bad\n");
        long want = 0;
        for (int i = 0; i < 50_000; i++) {
            sb.append(i).append(',').append(i % 100 == 0 ? "x" : "1").append('\n');
            want += i % 100 == 0 ? 0 : i;
        }
        Path f = write(dir, "par.csv", sb.toString());
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().splitBytes(5000).columnType("bad", DataType.INT32)
                .onBadRow(BadRowPolicy.SKIP));
        List<CsvSplit> splits = src.splits();
        java.util.concurrent.atomic.AtomicLong sum = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (org.spillway.spill.memory.MemoryBudget budget = new org.spillway.spill.memory.MemoryBudget(64 << 20)) {
            ThreadLocal<CsvSplitParser> parsers = ThreadLocal.withInitial(() -> src.newParser(new int[] {0, 1}, 500, budget));
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (CsvSplit split : splits) {
                done.add(pool.submit(() -> parsers.get().parse(split, c -> {
                    try (c) {
                        org.spillway.spill.vector.IntVector v = (org.spillway.spill.vector.IntVector) c.column(0);
                        for (int r = 0; r < c.rows(); r++) {
                            sum.addAndGet(v.get(r));
                        }
                    }
                })));
            }
            for (java.util.concurrent.Future<?> d : done) {
                d.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(splits.size() > 20);
        assertEquals(want, sum.get());
        assertEquals(500, src.badRowCount());
    }

    @Test
    void emptyFileAndHeaderOnlyFile() {
        Path h = write(dir, "h.csv", "a,b\n");
        CsvSource src = CsvSource.open(h.toString(), CsvOptions.defaults());
        assertEquals(List.of("a", "b"), src.schema().names());
        assertEquals(DataType.STRING, src.schema().type(0));
        assertTrue(src.splits().isEmpty());
        assertEquals(0, readAll(src).size());
    }
}

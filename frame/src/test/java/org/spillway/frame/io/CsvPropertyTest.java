package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Random files written by Commons CSV's printer are read by our parser (with many small splits and
 * chunks) and by Commons CSV's parser, and must give the same values. Commons CSV is told to read
 * unquoted empty fields as null and quoted ones as "", which is our rule.
 */
class CsvPropertyTest {
    private static final String[] PIECES = {
        "a", "b", "xyz", "0", "42", " ", "  ", ",", "\"", "\"\"", "\n", "\r\n", "\r", "é", "日本", "😀", "#", "\t",
        ";", "'", "\\", "a,b", "NA", "-", ".",
    };
    private static final String[] FLAT_PIECES = {"a", "b", "xyz", "0", "42", " ", ",", "\"", "é", "日本", "😀", "#", "\\", "NA"};

    @TempDir
    Path dir;

    @Test
    void stringsAgreeWithCommonsCsv() throws IOException {
        for (int seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            boolean newlines = rnd.nextInt(3) > 0;
            boolean escape = rnd.nextInt(5) == 0;
            int cols = 1 + rnd.nextInt(6);
            int rows = rnd.nextInt(300);
            List<List<String>> data = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                List<String> row = new ArrayList<>();
                for (int c = 0; c < cols; c++) {
                    row.add(randomString(rnd, newlines ? PIECES : FLAT_PIECES));
                }
                data.add(row);
            }
            CSVFormat printFormat = CSVFormat.DEFAULT.builder()
                    .setRecordSeparator(rnd.nextBoolean() ? "\n" : "\r\n")
                    .setEscape(escape ? '\\' : null)
                    .get();
            StringWriter w = new StringWriter();
            try (CSVPrinter p = new CSVPrinter(w, printFormat)) {
                List<String> header = new ArrayList<>();
                for (int c = 0; c < cols; c++) {
                    header.add("c" + c);
                }
                p.printRecord(header);
                for (List<String> row : data) {
                    p.printRecord(row);
                }
            }
            String text = w.toString();
            if (rnd.nextBoolean()) {
                text = text.stripTrailing().isEmpty() ? text : text.substring(0, text.length()
                        - (text.endsWith("\r\n") ? 2 : 1));
            }
            List<List<String>> expected = commonsParse(text, escape);
            Path f = CsvTestSupport.write(dir, "p" + seed + ".csv", text);
            Field[] fields = new Field[cols];
            for (int c = 0; c < cols; c++) {
                fields[c] = new Field("c" + c, DataType.STRING);
            }
            CsvOptions opts = CsvOptions.defaults().schema(Schema.of(fields)).splitBytes(16 + rnd.nextInt(400));
            if (escape) {
                opts = opts.escape('\\');
            }
            // half the time a tiny read buffer, so that rows straddle refills and force the buffer to grow
            CsvTokenizer.testBufferSize = rnd.nextBoolean() ? 1 + rnd.nextInt(40) : 0;
            List<List<Object>> got;
            CsvSource src;
            try {
                src = CsvSource.open(f.toString(), opts);
                int[] proj = new int[cols];
                for (int c = 0; c < cols; c++) {
                    proj[c] = c;
                }
                got = CsvTestSupport.read(src, proj, 1 + rnd.nextInt(20));
            } finally {
                CsvTokenizer.testBufferSize = 0;
            }
            assertEquals(expected, got, "seed " + seed + ", file:\n" + text);
            if (!newlines && !escape) {
                assertEquals(false, src.hasQuotedNewlines(), "seed " + seed);
            }
        }
    }

    @Test
    void typedValuesRoundTripThroughCommonsPrinter() throws IOException {
        DataType[] kinds = {DataType.INT32, DataType.INT64, DataType.FLOAT64, DataType.BOOL, DataType.DATE,
            DataType.TIMESTAMP, DataType.STRING};
        for (int seed = 0; seed < 100; seed++) {
            Random rnd = new Random(1000 + seed);
            int cols = 1 + rnd.nextInt(7);
            DataType[] types = new DataType[cols];
            for (int c = 0; c < cols; c++) {
                types[c] = kinds[rnd.nextInt(kinds.length)];
            }
            int rows = 1 + rnd.nextInt(400);
            List<List<Object>> data = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                List<Object> row = new ArrayList<>();
                for (int c = 0; c < cols; c++) {
                    // a one-column null row prints as an empty line, which readers skip
                    row.add(cols > 1 && rnd.nextInt(8) == 0 ? null : randomValue(rnd, types[c]));
                }
                data.add(row);
            }
            StringWriter w = new StringWriter();
            try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
                List<String> header = new ArrayList<>();
                for (int c = 0; c < cols; c++) {
                    header.add("c" + c);
                }
                p.printRecord(header);
                for (List<Object> row : data) {
                    List<String> out = new ArrayList<>();
                    for (Object o : row) {
                        out.add(o == null ? null : text(o));
                    }
                    p.printRecord(out);
                }
            }
            Path f = CsvTestSupport.write(dir, "t" + seed + ".csv", w.toString());
            boolean infer = rnd.nextBoolean();
            CsvOptions opts = CsvOptions.defaults().splitBytes(64 + rnd.nextInt(2000));
            if (!infer) {
                Field[] fields = new Field[cols];
                for (int c = 0; c < cols; c++) {
                    fields[c] = new Field("c" + c, types[c]);
                }
                opts = opts.schema(Schema.of(fields));
            }
            CsvTokenizer.testBufferSize = rnd.nextBoolean() ? 1 + rnd.nextInt(100) : 0;
            CsvSource src;
            List<List<Object>> got;
            try {
                src = CsvSource.open(f.toString(), opts);
                int[] proj = new int[cols];
                for (int c = 0; c < cols; c++) {
                    proj[c] = c;
                }
                got = CsvTestSupport.read(src, proj, 1 + rnd.nextInt(50));
            } finally {
                CsvTokenizer.testBufferSize = 0;
            }
            for (int c = 0; c < cols; c++) {
                int col = c;
                boolean anyValue = data.stream().anyMatch(r -> r.get(col) != null);
                DataType expect = !anyValue ? DataType.STRING : types[c];
                if (infer && types[c] == DataType.STRING) {
                    continue; // random strings may happen to look like numbers
                }
                if (infer || anyValue) {
                    assertEquals(infer ? expect : types[c], src.schema().type(c), "seed " + seed + " column " + c);
                }
            }
            assertEquals(rows, got.size(), "seed " + seed);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    Object want = data.get(r).get(c);
                    Object have = got.get(r).get(c);
                    if (src.schema().type(c) == DataType.STRING && want != null) {
                        want = text(want);
                    }
                    assertEquals(want, have, "seed " + seed + " row " + r + " column " + c);
                }
            }
        }
    }

    private static String text(Object o) {
        return o instanceof Double d ? CsvWriter.formatDouble(d) : o.toString();
    }

    private static Object randomValue(Random rnd, DataType t) {
        return switch (t.kind()) {
            case INT32 -> rnd.nextBoolean() ? rnd.nextInt() : rnd.nextInt(100) - 50;
            case INT64 -> (rnd.nextBoolean() ? 1 : -1) * (3_000_000_000L + (rnd.nextLong() >>> 2));
            case FLOAT64 -> switch (rnd.nextInt(5)) {
                case 0 -> (double) (rnd.nextInt(1000) - 500);
                case 1 -> rnd.nextDouble() * 1e-8;
                case 2 -> Double.longBitsToDouble(rnd.nextLong() & 0x7FEFFFFFFFFFFFFFL) * (rnd.nextBoolean() ? 1 : -1);
                case 3 -> Math.round(rnd.nextDouble() * 1e6) / 100.0;
                default -> rnd.nextGaussian() * 1e5;
            };
            case BOOL -> rnd.nextBoolean();
            case DATE -> LocalDate.ofEpochDay(rnd.nextInt(80_000) - 20_000);
            case TIMESTAMP -> Instant.EPOCH.plusNanos(1000 * (rnd.nextLong() % 4_000_000_000_000_000L));
            // never empty: Commons CSV prints "" unquoted after the first column, which reads as null
            case STRING -> "s" + randomString(rnd, FLAT_PIECES);
            default -> throw new IllegalArgumentException("not in this test: " + t); // types the sniffer never infers
        };
    }

    private static String randomString(Random rnd, String[] pieces) {
        if (rnd.nextInt(10) == 0) {
            return rnd.nextBoolean() ? null : "";
        }
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            sb.append(pieces[rnd.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    private static List<List<String>> commonsParse(String text, boolean escape) throws IOException {
        CSVFormat f = CSVFormat.DEFAULT.builder().setNullString("").setQuoteMode(QuoteMode.ALL_NON_NULL)
                .setEscape(escape ? '\\' : null).get();
        List<List<String>> out = new ArrayList<>();
        try (CSVParser p = CSVParser.parse(new StringReader(text), f)) {
            boolean first = true;
            for (CSVRecord r : p) {
                if (first) {
                    first = false;
                    continue;
                }
                out.add(r.toList());
            }
        }
        return out;
    }
}

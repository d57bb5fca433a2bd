package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.CsvTestSupport.readAll;
import static org.spillway.frame.io.CsvTestSupport.row;
import static org.spillway.frame.io.CsvTestSupport.write;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

class CsvInferenceTest {
    @TempDir
    Path dir;

    private DataType typeOf(String... values) {
        StringBuilder sb = new StringBuilder("x,pad\n");
        for (String v : values) {
            sb.append(v).append(",p\n");
        }
        Path f = write(dir, "i" + System.nanoTime() + ".csv", sb.toString());
        return CsvSource.open(f.toString(), CsvOptions.defaults()).schema().type(0);
    }

    @Test
    void widensNumbersAndDates() {
        assertEquals(DataType.INT32, typeOf("1", "2", "-3"));
        assertEquals(DataType.INT32, typeOf("007", "\"12\""));
        assertEquals(DataType.INT64, typeOf("1", "3000000000"));
        assertEquals(DataType.FLOAT64, typeOf("1", "3000000000", "2.5"));
        assertEquals(DataType.FLOAT64, typeOf("1e5", "NaN", "-inf"));
        assertEquals(DataType.BOOL, typeOf("true", "False", "TRUE"));
        assertEquals(DataType.DATE, typeOf("2024-01-01", "1999-12-31"));
        assertEquals(DataType.TIMESTAMP, typeOf("2024-01-01", "2024-01-01 10:00:00"));
        assertEquals(DataType.TIMESTAMP, typeOf("2024-01-01T10:00:00.123456+02:00"));
    }

    @Test
    void mixturesAndEmptyColumnsAreStrings() {
        assertEquals(DataType.STRING, typeOf("true", "1"));
        assertEquals(DataType.STRING, typeOf("1", "x"));
        assertEquals(DataType.STRING, typeOf("2024-01-01", "5"));
        assertEquals(DataType.STRING, typeOf("2024-02-30"));
        assertEquals(DataType.STRING, typeOf("", "", ""));
        assertEquals(DataType.STRING, typeOf("12345678901234567890123"));
        assertEquals(DataType.STRING, typeOf(" 1"));
        // nulls say nothing: a column of ints with holes is still int
        assertEquals(DataType.INT32, typeOf("", "1", "", "\"\""));
    }

    @Test
    void unifiesAcrossFiles() {
        write(dir, "m/a.csv", "n,s\n1,x\n2,y\n");
        write(dir, "m/b.csv", "n,s\n2.5,z\n");
        CsvSource src = CsvSource.open(dir.resolve("m").toString(), CsvOptions.defaults());
        assertEquals(DataType.FLOAT64, src.schema().type(0));
        assertEquals(List.of(row(1.0, "x"), row(2.0, "y"), row(2.5, "z")), readAll(src));
    }

    @Test
    void onlySampleRowsAreSniffed() {
        StringBuilder sb = new StringBuilder("n\n");
        for (int i = 0; i < 50; i++) {
            sb.append(i).append('\n');
        }
        sb.append("1.5\n");
        Path f = write(dir, "late.csv", sb.toString());
        CsvSource small = CsvSource.open(f.toString(), CsvOptions.defaults().sampleRows(50));
        assertEquals(DataType.INT32, small.schema().type(0));
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> readAll(small));
        assertEquals(52, e.line());
        assertEquals("1.5", e.value());
        assertEquals(DataType.FLOAT64, CsvSource.open(f.toString(), CsvOptions.defaults().sampleRows(51)).schema().type(0));
    }

    @Test
    void overridesAndExplicitSchema() {
        Path f = write(dir, "o.csv", "zip,n\n01234,5\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().columnType("zip", DataType.STRING)
                .columnType("n", DataType.INT64));
        assertEquals(Schema.of(new Field("zip", DataType.STRING), new Field("n", DataType.INT64)), src.schema());
        assertEquals(List.of(row("01234", 5L)), readAll(src));

        Schema given = Schema.of(new Field("a", DataType.STRING), new Field("b", DataType.FLOAT64));
        CsvSource s2 = CsvSource.open(f.toString(), CsvOptions.defaults().schema(given));
        assertEquals(given, s2.schema());
        assertEquals(List.of(row("01234", 5.0)), readAll(s2));

        ColumnNotFoundException e = assertThrows(ColumnNotFoundException.class,
                () -> CsvSource.open(f.toString(), CsvOptions.defaults().columnType("zp", DataType.STRING)));
        assertTrue(e.getMessage().contains("zip"), e.getMessage());

        CsvFormatException w = assertThrows(CsvFormatException.class, () -> CsvSource.open(f.toString(),
                CsvOptions.defaults().schema(Schema.of(new Field("a", DataType.STRING)))));
        assertTrue(w.getMessage().contains("has 2 fields per row"), w.getMessage());
    }

    @Test
    void boolColumnsDeclaredTakeOnesAndZeros() {
        Path f = write(dir, "b.csv", "flag\n1\n0\nt\nF\ntrue\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().columnType("flag", DataType.BOOL));
        assertEquals(List.of(row(true), row(false), row(true), row(false), row(true)), readAll(src));
    }
}

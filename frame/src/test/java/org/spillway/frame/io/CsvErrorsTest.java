package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.CsvTestSupport.read;
import static org.spillway.frame.io.CsvTestSupport.readAll;
import static org.spillway.frame.io.CsvTestSupport.row;
import static org.spillway.frame.io.CsvTestSupport.write;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;

class CsvErrorsTest {
    @TempDir
    Path dir;

    private CsvFormatException fails(Path f, CsvOptions o) {
        return assertThrows(CsvFormatException.class, () -> readAll(CsvSource.open(f.toString(), o)));
    }

    @Test
    void badValueNamesFileLineColumnAndValue() {
        Path f = write(dir, "x.csv", "id,name,amount\n1,a,1.5\n\n2,b,abc\n");
        CsvFormatException e = fails(f, CsvOptions.defaults().columnType("amount", DataType.FLOAT64));
        assertEquals(f, e.file());
        assertEquals(4, e.line());
        assertEquals("amount", e.column());
        assertEquals("abc", e.value());
        assertEquals(f + " line 4, column 'amount' (3rd): cannot parse 'abc' as float64. Fix the value, declare the "
                + "column as string with CsvOptions.columnType(\"amount\", DataType.STRING), or skip bad rows with "
                + "onBadRow(BadRowPolicy.SKIP).", e.getMessage());
    }

    @Test
    void int32OverflowSuggestsInt64() {
        Path f = write(dir, "o.csv", "n\n1\n3000000000\n");
        CsvFormatException e = fails(f, CsvOptions.defaults().columnType("n", DataType.INT32));
        assertEquals(3, e.line());
        assertEquals("3000000000", e.value());
        assertTrue(e.getMessage().contains("cannot parse '3000000000' as int32 (out of the int32 range)"), e.getMessage());
        assertTrue(e.getMessage().contains("CsvOptions.columnType(\"n\", DataType.INT64)"), e.getMessage());
    }

    @Test
    void raggedRow() {
        Path f = write(dir, "r.csv", "a,b,c,d,e\n1,2,3,4,5\n1,2,3,4\n");
        CsvFormatException e = fails(f, CsvOptions.defaults());
        assertEquals(3, e.line());
        assertNull(e.column());
        assertEquals("1,2,3,4", e.value());
        assertTrue(e.getMessage().startsWith(f + " line 3: expected 5 fields but found 4."), e.getMessage());
    }

    @Test
    void unterminatedQuoteFailsWhateverThePolicy() {
        Path f = write(dir, "u.csv", "a,b\n1,x\n2,\"never\nclosed\n3,y\n");
        for (BadRowPolicy p : BadRowPolicy.values()) {
            CsvFormatException e = fails(f, CsvOptions.defaults().onBadRow(p));
            assertEquals(3, e.line());
            assertEquals("b", e.column());
            assertTrue(e.getMessage().contains("(2nd): a quoted field is never closed"), e.getMessage());
        }
    }

    @Test
    void textAfterClosingQuote() {
        Path f = write(dir, "j.csv", "a,b\n1,\"x\"y\n");
        CsvFormatException e = fails(f, CsvOptions.defaults());
        assertEquals(2, e.line());
        assertEquals("b", e.column());
        assertTrue(e.getMessage().contains("unexpected text after the closing quote"), e.getMessage());
        CsvSource skip = CsvSource.open(f.toString(), CsvOptions.defaults().onBadRow(BadRowPolicy.SKIP));
        assertEquals(List.of(), readAll(skip));
        assertEquals(1, skip.badRowCount());
    }

    @Test
    void lineNumbersCountMultiLineFieldsAndLaterSplits() {
        Path f = write(dir, "ml.csv", "a,b\n\"x\ny\",1\n\"p\r\nq\",zz\n");
        CsvFormatException e = fails(f, CsvOptions.defaults().columnType("b", DataType.INT32));
        assertEquals(5, e.line()); // the line where the bad field itself starts
        assertEquals("zz", e.value());
        // a value near the end of a big file read in many splits: the line is still exact
        StringBuilder sb = new StringBuilder("n,s\n");
        for (int i = 0; i < 5000; i++) {
            sb.append(i).append(",s").append(i).append('\n');
            if (i == 3000) {
                sb.append('\n'); // a blank line counts as a line
            }
        }
        sb.append("oops,s\n");
        Path g = write(dir, "big.csv", sb.toString());
        CsvSource src = CsvSource.open(g.toString(), CsvOptions.defaults().sampleRows(100).splitBytes(1000));
        assertTrue(src.splits().size() > 20);
        CsvFormatException e2 = assertThrows(CsvFormatException.class, () -> readAll(src));
        assertEquals(5003, e2.line());
        assertEquals("n", e2.column());
    }

    @Test
    void skipAndNullPoliciesCountBadRows() {
        Path f = write(dir, "p.csv", "n,d,s\n1,1.5,a\nx,2.5,b\n3,y,c\n4,4.5\n5,z,e,extra\nw,v,f\n6,6.5,g\n");
        CsvSource skip = CsvSource.open(f.toString(), CsvOptions.defaults().columnType("n", DataType.INT32)
                .columnType("d", DataType.FLOAT64).onBadRow(BadRowPolicy.SKIP));
        assertEquals(List.of(row(1, 1.5, "a"), row(6, 6.5, "g")), readAll(skip));
        assertEquals(5, skip.badRowCount());

        CsvSource nul = CsvSource.open(f.toString(), CsvOptions.defaults().columnType("n", DataType.INT32)
                .columnType("d", DataType.FLOAT64).onBadRow(BadRowPolicy.NULL));
        assertEquals(List.of(row(1, 1.5, "a"), row(null, 2.5, "b"), row(3, null, "c"), row(null, null, "f"),
                row(6, 6.5, "g")), readAll(nul));
        assertEquals(5, nul.badRowCount()); // 3 rows with nulls + 2 ragged rows dropped

        // a row is judged on all its columns whatever is read: reading s alone, or nothing, drops the same rows
        CsvSource only = CsvSource.open(f.toString(), CsvOptions.defaults().columnType("n", DataType.INT32)
                .columnType("d", DataType.FLOAT64).onBadRow(BadRowPolicy.SKIP));
        assertEquals(List.of(row("a"), row("g")), read(only, new int[] {2}, 10));
        assertEquals(5, only.badRowCount());
        assertEquals(2, CsvTestSupport.count(only, 10));
        assertEquals(10, only.badRowCount());
        // under NULL the rows are all kept whatever is read, and the count of rows with bad values is the same
        CsvSource nulOnly = CsvSource.open(f.toString(), CsvOptions.defaults().columnType("n", DataType.INT32)
                .columnType("d", DataType.FLOAT64).onBadRow(BadRowPolicy.NULL));
        assertEquals(5, read(nulOnly, new int[] {2}, 10).size());
        assertEquals(5, nulOnly.badRowCount());
        assertEquals(5, CsvTestSupport.count(nulOnly, 10));
        assertEquals(10, nulOnly.badRowCount());
    }

    @Test
    void quotedNewlineBeyondTheSampleInASplitFileIsDetectedAndTheNextScanIsSafe() {
        StringBuilder sb = new StringBuilder("id,text\n");
        for (int i = 0; i < 3000; i++) {
            sb.append(i).append(i % 1000 == 999 ? ",\"two\nlines\"\n" : ",plain\n");
        }
        Path f = write(dir, "late-nl.csv", sb.toString());
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().sampleRows(100).splitBytes(2000));
        assertTrue(src.splits().size() > 5);
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> readAll(src));
        assertTrue(e.getMessage().contains("a quoted field spans lines"), e.getMessage());
        assertTrue(src.hasQuotedNewlines());
        assertEquals(1, src.splits().size());
        List<List<Object>> rows = readAll(src);
        assertEquals(3000, rows.size());
        assertEquals(row(999, "two\nlines"), rows.get(999));
    }

    @Test
    void filesWithDifferentHeadersNameBoth() {
        Path a = write(dir, "h/a.csv", "x,y\n1,2\n");
        Path b = write(dir, "h/b.csv", "x,z\n1,2\n");
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvSource.open(dir.resolve("h").toString(), CsvOptions.defaults()));
        assertEquals(b, e.file());
        assertTrue(e.getMessage().contains(a.toString()) && e.getMessage().contains(b.toString())
                && e.getMessage().contains("[x, z]") && e.getMessage().contains("[x, y]"), e.getMessage());
    }

    @Test
    void ordinals() {
        assertEquals("1st", CsvFormatException.ordinal(1));
        assertEquals("2nd", CsvFormatException.ordinal(2));
        assertEquals("3rd", CsvFormatException.ordinal(3));
        assertEquals("4th", CsvFormatException.ordinal(4));
        assertEquals("11th", CsvFormatException.ordinal(11));
        assertEquals("12th", CsvFormatException.ordinal(12));
        assertEquals("13th", CsvFormatException.ordinal(13));
        assertEquals("21st", CsvFormatException.ordinal(21));
        assertEquals("102nd", CsvFormatException.ordinal(102));
    }
}

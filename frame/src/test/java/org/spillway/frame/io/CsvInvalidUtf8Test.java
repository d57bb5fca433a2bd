package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.CsvTestSupport.count;
import static org.spillway.frame.io.CsvTestSupport.read;
import static org.spillway.frame.io.CsvTestSupport.readAll;
import static org.spillway.frame.io.CsvTestSupport.row;
import static org.spillway.frame.io.CsvTestSupport.writeBytes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;

/** Ill-formed UTF-8: an error naming where by default, or U+FFFD and a count with {@link InvalidUtf8Policy#REPLACE}. */
class CsvInvalidUtf8Test {
    @TempDir
    Path dir;

    private static final CsvOptions REPLACE = CsvOptions.defaults().invalidUtf8(InvalidUtf8Policy.REPLACE);

    /** Bytes of ASCII text with {@code bad} spliced in where {@code @} stands. */
    private static byte[] bytes(String text, byte... bad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (char c : text.toCharArray()) {
            if (c == '@') {
                out.writeBytes(bad);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void byDefaultAnIllFormedValueIsAnErrorNamingFileLineColumnAndByteOffset() {
        byte[] content = bytes("id,name\n1,ok\n2,caf@(\n3,x\n", (byte) 0xC3);
        Path f = writeBytes(dir, "bad.csv", content);
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> readAll(src));
        assertEquals(f, e.file());
        assertEquals(3, e.line());
        assertEquals("name", e.column());
        assertEquals(indexOf(content, new byte[] {(byte) 0xC3}), e.byteOffset());
        assertEquals("caf\uFFFD(", e.value());
        String m = e.getMessage();
        assertTrue(m.contains(f + " line 3, column 'name' (2nd): invalid UTF-8 at byte offset " + e.byteOffset()
                + ": C3 28 (a lead byte not followed by enough continuation bytes)"), m);
        assertTrue(m.contains("invalidUtf8(InvalidUtf8Policy.REPLACE)"), m);
    }

    @Test
    void replaceReadsUfffdAndCountsTheValuesRepaired() {
        Path f = writeBytes(dir, "bad.csv", bytes("id,name\n1,ok\n2,caf@(\n3,\"q\"\"@\"\n", (byte) 0xC3));
        CsvSource src = CsvSource.open(f.toString(), REPLACE);
        assertEquals(List.of(row(1, "ok"), row(2, "caf\uFFFD("), row(3, "q\"\uFFFD")), readAll(src));
        assertEquals(2, src.invalidUtf8Count());
        assertEquals(0, src.badRowCount());
        // the count does not depend on what is read: counting rows checks the string column too
        assertEquals(3, count(src, 10));
        assertEquals(4, src.invalidUtf8Count());
        assertEquals(List.of(row(1), row(2), row(3)), read(src, new int[] {0}, 10));
        assertEquals(6, src.invalidUtf8Count());
    }

    @Test
    void everyKindOfIllFormedSequenceIsCaught() {
        byte[][] cases = {
            {(byte) 0xC3, '('},                     // a lead byte then ASCII
            {(byte) 0x80},                          // a lone continuation byte
            {(byte) 0xC0, (byte) 0xAF},             // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong '/' in three bytes
            {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}, // overlong in four bytes
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // the surrogate U+D800
            {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, // the surrogate U+DFFF
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // U+110000
            {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // never in UTF-8
            {(byte) 0xFF},
            {(byte) 0xE2, (byte) 0x82},             // the euro sign cut short, then the delimiter
        };
        String[] why = {"enough continuation", "continuation byte without a lead", "overlong", "overlong", "overlong",
            "surrogate", "surrogate", "beyond U+10FFFF", "never occurs", "never occurs", "cut short"};
        for (int i = 0; i < cases.length; i++) {
            Path f = writeBytes(dir, "k" + i + ".csv", bytes("a,b\nx@,1\n", cases[i]));
            CsvFormatException e = assertThrows(CsvFormatException.class, () -> readAll(CsvSource.open(f.toString(),
                    CsvOptions.defaults())), "case " + i);
            assertEquals(2, e.line());
            assertEquals("a", e.column());
            assertEquals(5, e.byteOffset(), "case " + i);
            assertTrue(e.getMessage().contains(why[i]), "case " + i + ": " + e.getMessage());
            CsvSource lenient = CsvSource.open(f.toString(), REPLACE.columnType("b", DataType.INT32));
            List<List<Object>> rows = readAll(lenient);
            String v = (String) rows.getFirst().getFirst();
            assertTrue(v.startsWith("x\uFFFD") && !v.substring(1).replace("\uFFFD", "").contains("\uFFFD"), "case " + i);
            assertEquals(v.length(), v.replaceAll("[^\\x00-\\x7F\uFFFD]", "").length(), "only ASCII and U+FFFD: " + v);
            assertEquals(1, rows.getFirst().get(1));
            assertEquals(1, lenient.invalidUtf8Count());
        }
    }

    @Test
    void wellFormedMultiByteTextAcrossBufferRefillsAndSplitsIsAccepted() {
        // every kind of well-formed sequence, next to delimiters, quotes and line ends, with tiny read buffers
        // (rows straddle refills at every byte) and tiny splits: nothing is flagged, and the values come back whole
        String[] words = {"é", "€", "😀", "ü€😀", "\u07FF", "\u0800", "\uFFFD", "\uD7FF", "\uE000", "\uDBFF\uDFFF", "\"q😀\""};
        StringBuilder sb = new StringBuilder("id,w\n");
        for (int i = 0; i < 400; i++) {
            sb.append(i).append(',').append(words[i % words.length]).append('\n');
        }
        Path f = writeBytes(dir, "ok.csv", sb.toString().getBytes(StandardCharsets.UTF_8));
        for (int buffer : new int[] {0, 1, 3, 7, 64}) {
            CsvTokenizer.testBufferSize = buffer;
            try {
                CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().splitBytes(97));
                assertTrue(src.splits().size() > 10);
                List<List<Object>> rows = readAll(src);
                assertEquals(400, rows.size());
                for (int i = 0; i < 400; i++) {
                    String w = words[i % words.length];
                    assertEquals(w.startsWith("\"") ? w.substring(1, w.length() - 1) : w, rows.get(i).get(1), "row " + i);
                }
            } finally {
                CsvTokenizer.testBufferSize = 0;
            }
        }
    }

    @Test
    void anIllFormedSequenceNearRefillsAndSplitEndsIsFoundOnceWithItsExactPlace() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("id,w\n".getBytes(StandardCharsets.US_ASCII));
        int badRow = 300;
        long badOffset = -1;
        for (int i = 0; i < 500; i++) {
            out.writeBytes((i + ",é").getBytes(StandardCharsets.UTF_8));
            if (i == badRow) {
                badOffset = out.size();
                out.writeBytes(new byte[] {(byte) 0xE2, (byte) 0x82}); // cut short by the line end
            }
            out.writeBytes("€\n".getBytes(StandardCharsets.UTF_8));
        }
        Path f = writeBytes(dir, "one.csv", out.toByteArray());
        for (int buffer : new int[] {0, 2, 5, 33}) {
            CsvTokenizer.testBufferSize = buffer;
            try {
                CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults().splitBytes(50));
                CsvFormatException e = assertThrows(CsvFormatException.class, () -> readAll(src));
                assertEquals(badRow + 2, e.line());
                assertEquals(badOffset, e.byteOffset());
                CsvSource lenient = CsvSource.open(f.toString(), REPLACE.splitBytes(50));
                List<List<Object>> rows = readAll(lenient);
                assertEquals(500, rows.size());
                assertEquals("é\uFFFD€", rows.get(badRow).get(1));
                assertEquals(1, lenient.invalidUtf8Count());
                CsvSource skip = CsvSource.open(f.toString(), CsvOptions.defaults().splitBytes(50).onBadRow(BadRowPolicy.SKIP));
                assertEquals(499, count(skip, 7));
                assertEquals(1, skip.badRowCount());
            } finally {
                CsvTokenizer.testBufferSize = 0;
            }
        }
    }

    @Test
    void aSequenceCutShortByTheEndOfTheFile() {
        Path f = writeBytes(dir, "eof.csv", bytes("a\nok\ncaf@", (byte) 0xE2, (byte) 0x82));
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> readAll(CsvSource.open(f.toString(),
                CsvOptions.defaults())));
        assertEquals(3, e.line());
        assertEquals(8, e.byteOffset());
        assertTrue(e.getMessage().contains("E2 82 (a sequence cut short by the end of the field)"), e.getMessage());
        CsvSource lenient = CsvSource.open(f.toString(), REPLACE);
        assertEquals(List.of(row("ok"), row("caf\uFFFD")), readAll(lenient));
        Path g = writeBytes(dir, "eof2.csv", bytes("a\nok\n\"caf@\"", (byte) 0xF0, (byte) 0x9F, (byte) 0x98));
        assertThrows(CsvFormatException.class, () -> readAll(CsvSource.open(g.toString(), CsvOptions.defaults())));
    }

    @Test
    void anIllFormedHeaderFailsWhenOpenedOrIsRepaired() {
        Path f = writeBytes(dir, "h.csv", bytes("id,caf@\n1,2\n", (byte) 0xE9)); // Latin-1 é
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvSource.open(f.toString(), CsvOptions.defaults()));
        assertEquals(1, e.line());
        assertEquals(6, e.byteOffset());
        assertTrue(e.getMessage().contains("the header's 2nd name: invalid UTF-8 at byte offset 6"), e.getMessage());
        assertTrue(e.getMessage().contains("iconv"), e.getMessage());
        CsvSource src = CsvSource.open(f.toString(), REPLACE);
        assertEquals(List.of("id", "caf\uFFFD"), src.schema().names());
        assertEquals(1, src.invalidUtf8Count());
        // without a header the first line is data
        CsvSource noHeader = CsvSource.open(f.toString(), REPLACE.header(false));
        assertEquals(List.of(row("id", "caf\uFFFD"), row("1", "2")), readAll(noHeader));
    }

    @Test
    void aBadByteInATypedColumnIsAnUnparsableValueUnderEveryUtf8Policy() {
        Path f = writeBytes(dir, "n.csv", bytes("n,s\n1,a\n2@,b\n", (byte) 0xC3));
        for (CsvOptions o : List.of(CsvOptions.defaults(), REPLACE)) {
            CsvFormatException e = assertThrows(CsvFormatException.class, () -> readAll(CsvSource.open(f.toString(),
                    o.columnType("n", DataType.INT32))));
            assertTrue(e.getMessage().contains("cannot parse"), e.getMessage());
            CsvSource nul = CsvSource.open(f.toString(), o.columnType("n", DataType.INT32).onBadRow(BadRowPolicy.NULL));
            assertEquals(List.of(row(1, "a"), row(null, "b")), readAll(nul));
            assertEquals(0, nul.invalidUtf8Count());
        }
    }

    @Test
    void strictUnderSkipAndNullJudgesTheStringColumnsAQueryDoesNotRead() {
        Path f = writeBytes(dir, "s.csv", bytes("id,s\n1,a\n2,@\n3,c\n", (byte) 0xFF));
        CsvSource skip = CsvSource.open(f.toString(), CsvOptions.defaults().onBadRow(BadRowPolicy.SKIP));
        assertEquals(List.of(row(1), row(3)), read(skip, new int[] {0}, 10));
        assertEquals(2, count(skip, 10));
        assertEquals(2, skip.badRowCount());
        CsvSource nul = CsvSource.open(f.toString(), CsvOptions.defaults().onBadRow(BadRowPolicy.NULL));
        assertEquals(List.of(row(1, "a"), row(2, null), row(3, "c")), readAll(nul));
        assertEquals(3, count(nul, 10));
        assertEquals(2, nul.badRowCount());
        // under FAIL only what a query reads is decoded: counting rows reads no value
        CsvSource fail = CsvSource.open(f.toString(), CsvOptions.defaults());
        assertEquals(3, count(fail, 10));
        assertThrows(CsvFormatException.class, () -> readAll(fail));
    }

    @Test
    void validatorAgreesWithTheJdkDecoderOnRandomBytes() {
        java.util.Random rnd = new java.util.Random(42);
        java.nio.charset.CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT);
        for (int t = 0; t < 200_000; t++) {
            byte[] b = new byte[rnd.nextInt(9)];
            for (int i = 0; i < b.length; i++) {
                int pick = rnd.nextInt(4);
                b[i] = (byte) (pick == 0 ? rnd.nextInt(128) : pick == 1 ? 0x80 + rnd.nextInt(64) : 0xC0 + rnd.nextInt(64));
            }
            boolean jdk;
            try {
                dec.reset().decode(java.nio.ByteBuffer.wrap(b));
                jdk = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdk = false;
            }
            assertEquals(jdk, Utf8Validator.firstInvalid(b, 0, b.length) < 0, java.util.HexFormat.ofDelimiter(" ").formatHex(b));
        }
    }
}

package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.CsvTestSupport.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.delta.SaveMode;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/** {@code DataFrame.writeCsv(path, SaveMode, options)}: every mode, and failures that leave the old file as it was. */
@SpillwayTest
class CsvWriteModesTest {
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    private static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** Names of the files in the directory other than those given and the inputs: what a write left behind. */
    private List<String> leftovers(String... expected) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !List.of(expected).contains(n) && !n.startsWith("in-"))
                    .sorted().toList();
        }
    }

    private DataFrame frame(Spillway sw, String csv) {
        return sw.readCsv(write(dir, "in-" + Integer.toHexString(csv.hashCode()) + ".csv", csv).toString());
    }

    @Test
    void overwriteIsTheDefaultAndReplaces() throws IOException {
        Path out = dir.resolve("out.csv");
        try (Spillway sw = sessions.open()) {
            DataFrame a = frame(sw, "id,name\n1,a\n2,b\n");
            a.writeCsv(out.toString());
            assertEquals("id,name\n1,a\n2,b\n", text(out));
            frame(sw, "id,name\n3,c\n").writeCsv(out.toString());
            assertEquals("id,name\n3,c\n", text(out));
            frame(sw, "x\n9\n").writeCsv(out.toString(), SaveMode.OVERWRITE);
            assertEquals("x\n9\n", text(out));
            frame(sw, "y\n8\n").writeCsv(out, CsvOptions.defaults().delimiter(';'));
            assertEquals("y\n8\n", text(out));
        }
    }

    @Test
    void errorIfExistsFailsBeforeComputingAndLeavesTheFile() throws IOException {
        Path out = dir.resolve("out.csv");
        try (Spillway sw = sessions.open()) {
            DataFrame a = frame(sw, "id\n1\n");
            a.writeCsv(out.toString(), SaveMode.ERROR_IF_EXISTS);
            assertEquals("id\n1\n", text(out));
            SpillwayException e = assertThrows(SpillwayException.class,
                    () -> frame(sw, "id\n2\n").writeCsv(out.toString(), SaveMode.ERROR_IF_EXISTS));
            assertTrue(e.getMessage().contains(out + ": the file already exists"), e.getMessage());
            assertTrue(e.getMessage().contains("SaveMode.OVERWRITE"), e.getMessage());
            assertEquals("id\n1\n", text(out));
            assertEquals(List.of(), leftovers("out.csv"));
        }
    }

    @Test
    void ignoreKeepsAnExistingFileWithoutComputingTheFrame() throws IOException {
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "old\n");
        try (Spillway sw = sessions.open()) {
            // a frame that cannot be computed: IGNORE must not even try
            DataFrame broken = sw.readCsv(write(dir, "bad.csv", "n\n1\nx\n"), CsvOptions.defaults().columnType("n", DataType.INT32));
            broken.writeCsv(out.toString(), SaveMode.IGNORE);
            assertEquals("old\n", text(out));
            Path fresh = dir.resolve("fresh.csv");
            frame(sw, "id\n1\n").writeCsv(fresh.toString(), SaveMode.IGNORE);
            assertEquals("id\n1\n", text(fresh));
        }
    }

    @Test
    void appendAddsRowsWithoutASecondHeader() throws IOException {
        Path out = dir.resolve("sub/out.csv");
        try (Spillway sw = sessions.open()) {
            frame(sw, "id,name\n1,a\n").writeCsv(out.toString(), SaveMode.APPEND); // creates the file and the directory
            assertEquals("id,name\n1,a\n", text(out));
            frame(sw, "id,name\n2,\"b,c\"\n3,\n").writeCsv(out.toString(), SaveMode.APPEND);
            assertEquals("id,name\n1,a\n2,\"b,c\"\n3,\n", text(out));
            DataFrame back = sw.readCsv(out.toString());
            assertEquals(3, back.count());
            assertArrayEquals(new int[] {1, 2, 3}, back.intColumn("id"));
            // a file whose last line has no line end gets one first
            Files.writeString(out, "id,name\n1,a");
            frame(sw, "id,name\n2,b\n").writeCsv(out.toString(), SaveMode.APPEND);
            assertEquals("id,name\n1,a\n2,b\n", text(out));
            // an empty file is written as a new one, with the header
            Files.writeString(out, "");
            frame(sw, "id,name\n5,e\n").writeCsv(out.toString(), SaveMode.APPEND);
            assertEquals("id,name\n5,e\n", text(out));
            // without headers, the field count must match
            Path raw = dir.resolve("raw.csv");
            Files.writeString(raw, "1;a\n");
            CsvOptions noHeader = CsvOptions.defaults().header(false).delimiter(';');
            frame(sw, "id,name\n2,b\n").writeCsv(raw, SaveMode.APPEND, noHeader);
            assertEquals("1;a\n2;b\n", text(raw));
            CsvFormatException e = assertThrows(CsvFormatException.class,
                    () -> frame(sw, "id\n3\n").writeCsv(raw, SaveMode.APPEND, noHeader));
            assertTrue(e.getMessage().contains("its first row has 2 fields but the frame has 1 columns [id]"), e.getMessage());
            assertEquals("1;a\n2;b\n", text(raw));
        }
    }

    @Test
    void appendWithOtherColumnsIsAnErrorNamingBothAndChangesNothing() throws IOException {
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "id,name\n1,a\n");
        try (Spillway sw = sessions.open()) {
            CsvFormatException e = assertThrows(CsvFormatException.class,
                    () -> frame(sw, "id,label\n2,b\n").writeCsv(out.toString(), SaveMode.APPEND));
            assertTrue(e.getMessage().contains("Cannot append to " + out + ": its header is [id, name] but the frame's "
                    + "columns are [id, label]"), e.getMessage());
            assertEquals(out, e.file());
            // the same columns in another order are other columns
            assertThrows(CsvFormatException.class, () -> frame(sw, "name,id\nb,2\n").writeCsv(out.toString(), SaveMode.APPEND));
            // another delimiter reads the header as one name: an error too, not a file of mixed dialects
            assertThrows(CsvFormatException.class,
                    () -> frame(sw, "id,name\n2,b\n").writeCsv(out, SaveMode.APPEND, CsvOptions.defaults().delimiter(';')));
            assertEquals("id,name\n1,a\n", text(out));
            assertEquals(List.of(), leftovers("out.csv"));
        }
    }

    @Test
    void aWriteThatFailsMidwayLeavesTheOldFileExactlyAsItWasInEveryMode() throws IOException {
        // 200,000 rows of which the last is bad: the scan fails after many chunks were written to the temporary file
        StringBuilder sb = new StringBuilder("id,name\n");
        for (int i = 0; i < 200_000; i++) {
            sb.append(i).append(",n").append(i).append('\n');
        }
        sb.append("oops,z\n");
        Path in = write(dir, "in.csv", sb.toString());
        Path out = dir.resolve("out.csv");
        String old = "id,name\n-1,old\n";
        try (Spillway sw = sessions.open("64m", 2, 4_096)) {
            DataFrame df = sw.readCsv(in, CsvOptions.defaults().columnType("id", DataType.INT32).splitBytes(256 << 10));
            for (SaveMode mode : List.of(SaveMode.APPEND, SaveMode.OVERWRITE)) {
                Files.writeString(out, old);
                CsvFormatException e = assertThrows(CsvFormatException.class, () -> df.writeCsv(out, mode, CsvOptions.defaults()));
                assertTrue(e.getMessage().contains("'oops'"), e.getMessage());
                assertEquals(old, text(out), mode.toString());
                assertEquals(List.of(), leftovers("in.csv", "out.csv"), mode.toString());
            }
            Files.delete(out);
            for (SaveMode mode : List.of(SaveMode.APPEND, SaveMode.ERROR_IF_EXISTS, SaveMode.IGNORE)) {
                assertThrows(CsvFormatException.class, () -> df.writeCsv(out, mode, CsvOptions.defaults()));
                assertFalse(Files.exists(out), mode.toString());
                assertEquals(List.of(), leftovers("in.csv"), mode.toString());
            }
            // and the same rows without the bad one append in full
            Files.writeString(out, old);
            sw.readCsv(in, CsvOptions.defaults().columnType("id", DataType.INT32).splitBytes(256 << 10)
                    .onBadRow(BadRowPolicy.SKIP)).writeCsv(out, SaveMode.APPEND, CsvOptions.defaults());
            DataFrame back = sw.readCsv(out.toString());
            assertEquals(200_001, back.count());
            int[] ids = back.intColumn("id");
            assertEquals(-1, ids[0]);
            assertEquals(199_999, ids[200_000]);
        }
    }

    @Test
    void concurrentChangesAreNotLost() throws IOException {
        Schema schema = Schema.of(new org.spillway.spill.Field("id", DataType.INT32));
        CsvOptions o = CsvOptions.defaults();
        // an append whose file changed meanwhile fails and keeps the other writer's rows
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "id\n1\n");
        CsvWriter w = CsvWriter.open(out, schema, o, CsvWriter.Mode.APPEND, p -> () -> { });
        w.writeEncoded("2\n".getBytes(StandardCharsets.US_ASCII), 1);
        Files.writeString(out, "id\n1\n9\n");
        SpillwayException e = assertThrows(SpillwayException.class, w::close);
        assertTrue(e.getMessage().contains("changed while rows were appended"), e.getMessage());
        assertEquals("id\n1\n9\n", text(out));
        // an append that does not race commits
        CsvWriter w2 = CsvWriter.open(out, schema, o, CsvWriter.Mode.APPEND, p -> () -> { });
        w2.writeEncoded("2\n".getBytes(StandardCharsets.US_ASCII), 1);
        w2.close();
        assertEquals("id\n1\n9\n2\n", text(out));
        // ERROR_IF_EXISTS: a file that appears meanwhile is not replaced
        Path fresh = dir.resolve("fresh.csv");
        CsvWriter w3 = CsvWriter.open(fresh, schema, o, CsvWriter.Mode.ERROR_IF_EXISTS, p -> () -> { });
        w3.writeEncoded("1\n".getBytes(StandardCharsets.US_ASCII), 1);
        Files.writeString(fresh, "theirs\n");
        SpillwayException e3 = assertThrows(SpillwayException.class, w3::close);
        assertTrue(e3.getMessage().contains("appeared while the rows were written"), e3.getMessage());
        assertEquals("theirs\n", text(fresh));
        // IGNORE: the file that appeared wins, quietly
        Path other = dir.resolve("other.csv");
        CsvWriter w4 = CsvWriter.open(other, schema, o, CsvWriter.Mode.IGNORE, p -> () -> { });
        w4.writeEncoded("1\n".getBytes(StandardCharsets.US_ASCII), 1);
        Files.writeString(other, "theirs\n");
        w4.close();
        assertEquals("theirs\n", text(other));
        assertEquals(List.of(), leftovers("out.csv", "fresh.csv", "other.csv"));
    }

    @Test
    void aDirectoryIsNotAFile() throws IOException {
        Files.createDirectories(dir.resolve("d.csv"));
        try (Spillway sw = sessions.open()) {
            for (SaveMode mode : List.of(SaveMode.APPEND, SaveMode.OVERWRITE, SaveMode.ERROR_IF_EXISTS)) {
                SpillwayException e = assertThrows(SpillwayException.class,
                        () -> frame(sw, "id\n1\n").writeCsv(dir.resolve("d.csv").toString(), mode));
                assertTrue(e.getMessage().contains("it is a directory"), e.getMessage());
            }
        }
    }
}

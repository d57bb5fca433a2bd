package org.spillway.frame.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Tables whose log or files were damaged (by hand, by another engine, by a crashed non-atomic writer):
 * each damage is a {@link DeltaException} naming the table, the version and the file, or (a corrupt
 * checkpoint, a stale {@code _last_checkpoint}, an unknown action) is read around as the protocol
 * allows; the versions before the damage stay readable.
 */
@SpillwayTest
class DeltaBadInputTest {
    @TempDir
    Path dir;

    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("s", DataType.STRING));

    /** A table of {@code versions} appends of 10 rows each (ids 10v to 10v+9), with the given properties. */
    static Path table(Spillway sw, Path t, int versions, Map<String, String> props) {
        for (int v = 0; v < versions; v++) {
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                rows.add(new Object[] {10L * v + i, "s" + i});
            }
            sw.createDataFrame(SCHEMA, rows).writeDelta(t, SaveMode.APPEND, DeltaWriteOptions.defaults().withProperties(props));
        }
        return t;
    }

    static Path commit(Path t, long v) {
        return new DeltaLog(t).commitFile(v);
    }

    static TreeSet<Long> ids(Spillway sw, Path t, long version) {
        TreeSet<Long> out = new TreeSet<>();
        for (Row r : DeltaTable.forPath(sw, t).asOfVersion(version).collect().rows()) {
            out.add(r.getLong("id"));
        }
        return out;
    }

    static TreeSet<Long> versions(long... v) {
        TreeSet<Long> out = new TreeSet<>();
        for (long x : v) {
            out.add(x);
        }
        return out;
    }

    static TreeSet<Long> range(long from, long to) {
        TreeSet<Long> out = new TreeSet<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    /** Asserts that {@code e}'s message names all of {@code parts}. */
    static void names(DeltaException e, Object... parts) {
        for (Object p : parts) {
            assertTrue(e.getMessage().contains(p.toString()), "'" + p + "' not in: " + e.getMessage());
        }
    }

    private DeltaException readFails(Spillway sw, Path t) {
        return assertThrows(DeltaException.class, () -> sw.readDelta(t.toString()).count());
    }

    @Test
    void aGarbageLineInACommitNamesTheTableVersionFileAndLine(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 3, Map.of());
        List<String> lines = new ArrayList<>(Files.readAllLines(commit(t, 2)));
        lines.add(1, "this is not json");
        Files.write(commit(t, 2), lines);
        DeltaException e = readFails(sw, t);
        names(e, t.toAbsolutePath().normalize(), "version 2", commit(t, 2).getFileName(), "line 2");
        assertEquals(range(0, 20), ids(sw, t, 1)); // the versions before it still read
        // a writer refuses too (it cannot know the table's state), and adds nothing
        assertThrows(DeltaException.class, () -> table(sw, t, 1, Map.of()));
        assertEquals(versions(0, 1, 2), new DeltaLog(t).commitVersions());
    }

    @Test
    void aTruncatedLastCommitIsAnErrorNotASilentlyShorterVersion(Spillway sw) throws Exception {
        // Delta files are the unit of atomicity (PROTOCOL.md "Delta Log Entries"): a truncated one is not a
        // partial commit to make the best of but a broken log, as in Delta itself
        Path t = table(sw, dir.resolve("t"), 3, Map.of());
        byte[] b = Files.readAllBytes(commit(t, 2));
        Files.write(commit(t, 2), java.util.Arrays.copyOf(b, b.length - 25));
        DeltaException e = readFails(sw, t);
        names(e, t.toAbsolutePath().normalize(), "version 2", commit(t, 2).getFileName(), "line");
        assertEquals(range(0, 20), ids(sw, t, 1));
    }

    @Test
    void anActionWithoutItsRequiredFieldsIsAnErrorNotAMisreadTable(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 2, Map.of());
        for (String bad : List.of("{\"add\":{\"size\":1,\"dataChange\":true}}", "{\"add\":null}", "{\"remove\":{\"path\":7}}",
                "{\"protocol\":{\"minReaderVersion\":\"one\",\"minWriterVersion\":2}}", "{\"metaData\":{\"id\":\"x\"}}",
                "{\"txn\":{\"appId\":\"a\"}}", "[1,2]", "{\"add\":{\"path\":\"a\"},\"remove\":{\"path\":\"a\"}}")) {
            Files.writeString(commit(t, 2), "{\"commitInfo\":{}}\n" + bad + "\n");
            DeltaException e = readFails(sw, t);
            names(e, t.toAbsolutePath().normalize(), "version 2", commit(t, 2).getFileName(), "line 2");
        }
        // a gap in the log
        Files.writeString(commit(t, 3), Files.readString(commit(t, 1)));
        Files.delete(commit(t, 2));
        DeltaException e = readFails(sw, t);
        names(e, t.toAbsolutePath().normalize(), "version 2", commit(t, 2).getFileName(), "incomplete");
        assertEquals(range(0, 20), ids(sw, t, 1));
    }

    @Test
    void anEmptyCommitFileIsAnError(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 3, Map.of());
        Files.write(commit(t, 2), new byte[0]);
        DeltaException e = readFails(sw, t);
        names(e, t.toAbsolutePath().normalize(), "version 2", commit(t, 2).getFileName(), "empty");
        assertEquals(range(0, 20), ids(sw, t, 1));
    }

    @Test
    void unknownActionsAndFieldsAreIgnored(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 2, Map.of());
        List<String> lines = new ArrayList<>(Files.readAllLines(commit(t, 1)));
        lines.add(0, "{\"someFutureAction\":{\"a\":1,\"b\":[1,2]}}");
        lines.add("{\"anotherOne\":null}");
        lines.replaceAll(l -> l.replace("{\"add\":{", "{\"add\":{\"futureField\":{\"x\":1},"));
        Files.write(commit(t, 1), lines);
        assertEquals(range(0, 20), ids(sw, t, 1));
        table(sw, t, 1, Map.of()); // a writer goes on past it (ids 0 to 9 again, as version 2)
        assertEquals(30, sw.readDelta(t.toString()).count());
        DeltaTable.forPath(sw, t).delete(org.spillway.frame.Functions.col("id").geq(10L));
        assertEquals(range(0, 10), ids(sw, t, 3));
    }

    @Test
    void aCorruptCheckpointFallsBackToAnOlderOneOrToTheCommits(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 5, Map.of("delta.checkpointInterval", "2"));
        Path cp2 = new DeltaLog(t).dir.resolve("00000000000000000002.checkpoint.parquet");
        Path cp4 = new DeltaLog(t).dir.resolve("00000000000000000004.checkpoint.parquet");
        assertTrue(Files.exists(cp2) && Files.exists(cp4));
        // truncated: the footer is gone
        byte[] b = Files.readAllBytes(cp4);
        Files.write(cp4, java.util.Arrays.copyOf(b, b.length / 2));
        assertEquals(range(0, 50), ids(sw, t, 4));
        // garbage of the same length, and an empty file
        Files.write(cp4, "x".repeat(b.length).getBytes(StandardCharsets.UTF_8));
        Files.write(cp2, new byte[0]);
        assertEquals(range(0, 50), ids(sw, t, 4));
        assertEquals(range(0, 30), ids(sw, t, 2));
        table(sw, t, 2, Map.of()); // a writer goes on: versions 5 and 6, with a checkpoint at 6 despite the corrupt ones
        assertEquals(70, sw.readDelta(t.toString()).count());
        assertTrue(Files.exists(new DeltaLog(t).dir.resolve("00000000000000000006.checkpoint.parquet")));
        // without the commits before it (cleaned up), a corrupt checkpoint is an error naming it
        Files.delete(commit(t, 0));
        Files.delete(commit(t, 1));
        DeltaException e = assertThrows(DeltaException.class, () -> ids(sw, t, 3));
        names(e, t.toAbsolutePath().normalize(), cp2.getFileName(), "version 2");
        assertEquals(70, sw.readDelta(t.toString()).count()); // the latest version reads from the checkpoint of version 6
    }

    @Test
    void aLastCheckpointFileNamingAMissingCheckpointIsIgnored(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 3, Map.of("delta.checkpointInterval", "2"));
        Path last = new DeltaLog(t).dir.resolve("_last_checkpoint");
        Files.writeString(last, "{\"version\":99,\"size\":7}");
        assertEquals(range(0, 30), ids(sw, t, 2));
        Files.writeString(last, "{\"version\":1,\"si");
        assertEquals(range(0, 30), ids(sw, t, 2));
        Files.delete(new DeltaLog(t).dir.resolve("00000000000000000002.checkpoint.parquet"));
        Files.writeString(last, "{\"version\":2,\"size\":4}");
        assertEquals(range(0, 30), ids(sw, t, 2));
        table(sw, t, 1, Map.of());
        assertEquals(40, sw.readDelta(t.toString()).count());
    }

    @Test
    void aMissingDataFileNamesTheFileAndVersion(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 2, Map.of());
        String rel = null;
        for (Action a : new DeltaLog(t).readCommit(1)) {
            if (a instanceof Action.AddFile add) {
                rel = add.path();
            }
        }
        Path f = t.resolve(rel);
        Files.delete(f);
        DeltaException e = readFails(sw, t);
        names(e, t.toAbsolutePath().normalize(), "version 1", f.getFileName(), "missing");
        assertEquals(range(0, 10), ids(sw, t, 0));
    }

    @Test
    void unknownReaderAndWriterFeaturesAreRefusedAndNothingIsWritten(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 1, Map.of());
        Files.writeString(commit(t, 1), "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
                + "\"readerFeatures\":[\"deletionVectors\",\"futureReadFeature\"],\"writerFeatures\":[\"deletionVectors\","
                + "\"futureReadFeature\"]}}\n");
        DeltaException e = readFails(sw, t);
        names(e, t.toAbsolutePath().normalize(), "version 1", "futureReadFeature");
        e = assertThrows(DeltaException.class, () -> table(sw, t, 1, Map.of()));
        names(e, "futureReadFeature");
        Files.writeString(commit(t, 1), "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":7,"
                + "\"writerFeatures\":[\"futureWriteFeature\"]}}\n");
        assertEquals(range(0, 10), ids(sw, t, 1)); // readable: only writing needs the feature
        long files = dataFiles(t);
        e = assertThrows(DeltaException.class, () -> table(sw, t, 1, Map.of()));
        names(e, t.toAbsolutePath().normalize(), "version 1", "futureWriteFeature", "unchanged");
        assertThrows(DeltaException.class, () -> DeltaTable.forPath(sw, t).delete());
        assertEquals(versions(0, 1), new DeltaLog(t).commitVersions());
        assertEquals(files, dataFiles(t));
    }

    static long dataFiles(Path t) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(t)) {
            return s.filter(p -> !p.toString().contains("_delta_log") && Files.isRegularFile(p)).count();
        }
    }

    @Test
    void aSchemaStringThatDoesNotParseNamesTheVersionAndFile(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 2, Map.of());
        String meta = Files.readAllLines(commit(t, 0)).stream().filter(l -> l.startsWith("{\"metaData\"")).findFirst().orElseThrow();
        Files.writeString(commit(t, 2), withSchema(meta, "{\"type\":\"struct\",\"fields\":[{\"name\""));
        DeltaException e = readFails(sw, t);
        names(e, t.toAbsolutePath().normalize(), "version 2", commit(t, 2).getFileName(), "schema");
        Files.writeString(commit(t, 2), withSchema(meta, "[1,2]"));
        e = readFails(sw, t);
        names(e, t.toAbsolutePath().normalize(), "version 2", commit(t, 2).getFileName(), "schema");
        assertEquals(range(0, 20), ids(sw, t, 1));
    }

    /** A commit line of {@code metaData} with another schema string. */
    private static String withSchema(String metaLine, String schema) throws java.io.IOException {
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) DeltaSchemas.JSON.readTree(metaLine);
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("metaData")).put("schemaString", schema);
        return json + "\n";
    }

    @Test
    void aDataFileOfTheWrongTypeNamesTheFileAndColumn(Spillway sw) throws Exception {
        Path t = table(sw, dir.resolve("t"), 2, Map.of());
        String rel = null;
        for (Action a : new DeltaLog(t).readCommit(1)) {
            if (a instanceof Action.AddFile add) {
                rel = add.path();
            }
        }
        Path f = t.resolve(rel);
        Path other = dir.resolve("other.parquet");
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(new Object[] {"id" + i, "s" + i});
        }
        sw.createDataFrame(Schema.of(new Field("id", DataType.STRING), new Field("s", DataType.STRING)), rows)
                .writeParquet(other.toString());
        Files.copy(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // count() is answered from the log's record counts, opening no file; reading the rows finds the bad file
        assertEquals(20, sw.readDelta(t.toString()).count());
        DeltaException e = assertThrows(DeltaException.class, () -> sw.readDelta(t.toString()).rows());
        names(e, f.getFileName(), "'id'");
        assertEquals(range(0, 10), ids(sw, t, 0));
        // a data file that is not Parquet at all
        Files.writeString(f, "not parquet");
        e = assertThrows(DeltaException.class, () -> sw.readDelta(t.toString()).rows());
        names(e, f.getFileName());
    }
}

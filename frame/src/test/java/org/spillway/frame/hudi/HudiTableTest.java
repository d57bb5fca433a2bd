package org.spillway.frame.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Hudi tables that Spillway must refuse or read around: not a table, an unknown table type or version,
 * a missing base file, a corrupt commit metadata file, a commit that never completed, instants before the
 * first commit, log files Spillway cannot merge and a truncated log file. Each is a {@link HudiException}
 * naming the table and, where there is one, the instant and the file. The tables are copies of the golden
 * tables ({@link HudiGoldenTablesTest}), damaged by hand.
 */
@SpillwayTest
class HudiTableTest {
    @TempDir
    Path dir;

    private Path copy(String name) throws IOException {
        Path from = HudiGoldenTablesTest.GOLDEN.resolve(name);
        Path to = dir.resolve(name);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static Path timelineFile(Path table, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(table.resolve(".hoodie"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    private static void setProperty(Path table, String key, String value) throws IOException {
        Path props = table.resolve(".hoodie/hoodie.properties");
        List<String> lines = Files.readAllLines(props).stream().map(l -> l.startsWith(key + "=") ? key + "=" + value : l).toList();
        Files.write(props, lines);
    }

    @Test
    void notAHudiTable(Spillway sw) throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        HudiException e = assertThrows(HudiException.class, () -> HudiTable.forPath(sw, dir.resolve("empty")));
        assertTrue(e.getMessage().contains("No Hudi table at " + dir.resolve("empty")), e.getMessage());
        assertThrows(HudiException.class, () -> sw.readHudi(dir.resolve("nowhere").toString()));
        assertTrue(HudiTable.isHudiTable(HudiGoldenTablesTest.GOLDEN.resolve("cow_part").toString()));
    }

    @Test
    void unsupportedVersionAndTypeAreNamed(Spillway sw) throws IOException {
        Path t = copy("cow_nonpart");
        setProperty(t, "hoodie.table.version", "9");
        HudiException e = assertThrows(HudiException.class, () -> HudiTable.forPath(sw, t));
        assertTrue(e.getMessage().contains("unsupported table version 9") && e.getMessage().contains(t.toString()), e.getMessage());
        setProperty(t, "hoodie.table.version", "8");
        setProperty(t, "hoodie.table.type", "SOMETHING_NEW");
        e = assertThrows(HudiException.class, () -> HudiTable.forPath(sw, t));
        assertTrue(e.getMessage().contains("unsupported table type 'SOMETHING_NEW'"), e.getMessage());
    }

    @Test
    void missingBaseFileIsAnErrorNamingIt(Spillway sw) throws IOException {
        Path t = copy("cow_nonpart");
        HudiTable ht = HudiTable.forPath(sw, t);
        List<String> commits = ht.commits();
        Path newest;
        try (Stream<Path> s = Files.list(t)) {
            newest = s.filter(p -> p.toString().endsWith(".parquet")).max(Comparator.naturalOrder()).orElseThrow();
        }
        String last = commits.getLast();
        assertTrue(newest.getFileName().toString().endsWith("_" + last + ".parquet"), newest.toString());
        Files.delete(newest);
        HudiException e = assertThrows(HudiException.class, ht::toDF);
        assertTrue(e.getMessage().contains(newest.getFileName().toString()) && e.getMessage().contains("instant " + last)
                && e.getMessage().contains(t.toString()), e.getMessage());
        assertEquals(6, ht.asOfCommit(commits.getFirst()).count()); // the commits before it still read
    }

    @Test
    void corruptCommitMetadataIsAnErrorNamingIt(Spillway sw) throws IOException {
        for (String name : List.of("cow_overwrite", "cow_v6")) {
            Path t = copy(name);
            Path replace = timelineFile(t, "replacecommit");
            Files.write(replace, "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            HudiException e = assertThrows(HudiException.class, () -> HudiTable.forPath(sw, t).toDF());
            assertTrue(e.getMessage().contains(replace.toString()) && e.getMessage().contains("corrupt"), e.getMessage());
        }
    }

    @Test
    void aCommitThatNeverCompletedIsNotRead(Spillway sw) throws IOException {
        Path t = copy("cow_nonpart");
        HudiTable ht = HudiTable.forPath(sw, t);
        List<String> commits = ht.commits();
        String last = commits.getLast();
        try (Stream<Path> s = Files.list(t.resolve(".hoodie/timeline"))) {
            // the newest completed instant file goes: the commit is inflight, its base file is not read
            Files.delete(s.filter(p -> p.getFileName().toString().matches(last + "_\\d+\\.commit")).findFirst().orElseThrow());
        }
        assertEquals(commits.subList(0, commits.size() - 1), ht.commits());
        String before = commits.get(commits.size() - 2);
        assertEquals(HudiGoldenTablesTest.render(HudiTable.forPath(sw, HudiGoldenTablesTest.GOLDEN.resolve("cow_nonpart")).asOfCommit(before)),
                HudiGoldenTablesTest.render(ht.toDF()));
    }

    @Test
    void filesOfArchivedCommitsAreCommitted(Spillway sw) throws IOException {
        // archival moves the oldest instants out of the active timeline (0.x: into .hoodie/archived/); their files stay live
        Path t = copy("cow_v6");
        HudiTable golden = HudiTable.forPath(sw, HudiGoldenTablesTest.GOLDEN.resolve("cow_v6"));
        String first = golden.commits().getFirst();
        Files.createDirectories(t.resolve(".hoodie/archived"));
        try (Stream<Path> s = Files.list(t.resolve(".hoodie"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(first)).toList()) {
                Files.move(p, t.resolve(".hoodie/archived").resolve(p.getFileName()));
            }
        }
        HudiTable ht = HudiTable.forPath(sw, t);
        assertEquals(golden.commits().subList(1, golden.commits().size()), ht.commits());
        assertEquals(HudiGoldenTablesTest.render(golden.toDF()), HudiGoldenTablesTest.render(ht.toDF()));
        assertEquals(HudiGoldenTablesTest.render(golden.asOfCommit(first)), HudiGoldenTablesTest.render(ht.asOfCommit(first)));
    }

    @Test
    void instantsBeforeTheFirstCommitAndBadInstantsAreRefused(Spillway sw) {
        HudiTable ht = HudiTable.forPath(sw, HudiGoldenTablesTest.GOLDEN.resolve("cow_part"));
        HudiException e = assertThrows(HudiException.class, () -> ht.asOfCommit("20000101000000000"));
        assertTrue(e.getMessage().contains("no commit at or before instant 20000101000000000"), e.getMessage());
        e = assertThrows(HudiException.class, () -> ht.asOfCommit("yesterday"));
        assertTrue(e.getMessage().contains("not a Hudi instant"), e.getMessage());
        String first = ht.commits().getFirst();
        String formatted = first.substring(0, 4) + "-" + first.substring(4, 6) + "-" + first.substring(6, 8) + " " + first.substring(8, 10) + ":"
                + first.substring(10, 12) + ":" + first.substring(12, 14) + "." + first.substring(14);
        assertEquals(HudiGoldenTablesTest.render(ht.asOfCommit(first)), HudiGoldenTablesTest.render(ht.asOfCommit(formatted)));
        assertEquals(0, ht.changesSince(ht.latestCommit()).count());
    }

    @Test
    void mergeOnReadRefusesLogFilesItCannotMerge(Spillway sw) throws IOException {
        HudiTable golden = HudiTable.forPath(sw, HudiGoldenTablesTest.GOLDEN.resolve("mor"));
        assertEquals("MERGE_ON_READ", golden.tableType());
        assertEquals(8, golden.tableVersion());
        // a custom merge mode: the snapshot view is refused naming a log file, the read-optimized view still reads
        Path t = copy("mor");
        setProperty(t, "hoodie.record.merge.mode", "CUSTOM");
        HudiTable ht = HudiTable.forPath(sw, t);
        String beforeCompaction = ht.commits().get(ht.commits().size() - 2); // the deletes, in log files the last compaction folded
        HudiException e = assertThrows(HudiException.class, () -> ht.asOfCommit(beforeCompaction));
        assertTrue(e.getMessage().contains("the record merge mode CUSTOM") && e.getMessage().contains(".log."), e.getMessage());
        assertEquals(HudiGoldenTablesTest.render(golden.readOptimizedAsOf(beforeCompaction)),
                HudiGoldenTablesTest.render(ht.readOptimizedAsOf(beforeCompaction)));
    }

    @Test
    void corruptLogFileIsAnErrorNamingIt(Spillway sw) throws IOException {
        Path t = copy("mor");
        Path log;
        try (Stream<Path> s = Files.walk(t)) {
            log = s.filter(p -> p.getFileName().toString().contains(".log.")).max(Comparator.naturalOrder()).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(log);
        Files.write(log, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        HudiException e = assertThrows(HudiException.class, () -> HudiTable.forPath(sw, t).toDF());
        assertTrue(e.getMessage().contains(log.toString()), e.getMessage());
    }
}

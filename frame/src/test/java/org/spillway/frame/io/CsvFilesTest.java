package org.spillway.frame.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.io.CsvTestSupport.readAll;
import static org.spillway.frame.io.CsvTestSupport.row;
import static org.spillway.frame.io.CsvTestSupport.write;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.SpillwayException;

class CsvFilesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() {
        write(dir, "d/clicks-2.csv", "n\n2\n");
        write(dir, "d/clicks-1.csv", "n\n1\n");
        write(dir, "d/other.csv", "n\n9\n");
        write(dir, "d/notes.txt", "not csv");
        write(dir, "d/.hidden.csv", "n\n666\n");
        write(dir, "d/sub/clicks-3.csv", "n\n3\n");
        write(dir, "d/sub/deeper/clicks-4.CSV", "n\n4\n");
        write(dir, "d/empty.csv", "");
    }

    private List<Path> names(String spec) {
        return CsvSource.open(spec, CsvOptions.defaults()).files().stream().map(dir::relativize).toList();
    }

    @Test
    void directoryReadsItsCsvFilesSortedByName() {
        assertEquals(List.of(Path.of("d/clicks-1.csv"), Path.of("d/clicks-2.csv"), Path.of("d/empty.csv"),
                Path.of("d/other.csv")), names(dir.resolve("d").toString()));
        CsvSource src = CsvSource.open(dir.resolve("d").toString(), CsvOptions.defaults());
        assertEquals(List.of(row(1), row(2), row(9)), readAll(src)); // the empty file adds nothing
    }

    @Test
    void globs() {
        assertEquals(List.of(Path.of("d/clicks-1.csv"), Path.of("d/clicks-2.csv")), names(dir + "/d/clicks-*.csv"));
        assertEquals(List.of(Path.of("d/clicks-1.csv"), Path.of("d/clicks-2.csv"), Path.of("d/sub/clicks-3.csv")),
                names(dir + "/d/**/clicks-*.csv"));
        assertEquals(List.of(Path.of("d/sub/deeper/clicks-4.CSV")), names(dir + "/d/**/*.CSV"));
        assertEquals(List.of(Path.of("d/clicks-1.csv"), Path.of("d/other.csv")), names(dir + "/d/{clicks-1,other}.csv"));
        // a relative glob resolves against the working directory and keeps its relative form
        Path rel = Path.of("").toAbsolutePath().relativize(dir.resolve("d"));
        CsvSource src = CsvSource.open(rel + "/clicks-?.csv", CsvOptions.defaults());
        assertEquals(List.of(rel.resolve("clicks-1.csv"), rel.resolve("clicks-2.csv")), src.files());
        assertEquals(List.of(row(1), row(2)), readAll(src));
    }

    @Test
    void singleFile() {
        assertEquals(List.of(Path.of("d/other.csv")), names(dir.resolve("d/other.csv").toString()));
    }

    @Test
    void nothingFoundSaysWhereItLooked() {
        String cwd = Path.of("").toAbsolutePath().toString();
        SpillwayException missing = assertThrows(SpillwayException.class,
                () -> CsvSource.open(dir + "/d/nope.csv", CsvOptions.defaults()));
        assertTrue(missing.getMessage().contains(dir + "/d/nope.csv") && missing.getMessage().contains(cwd),
                missing.getMessage());
        SpillwayException noMatch = assertThrows(SpillwayException.class,
                () -> CsvSource.open(dir + "/d/zz-*.csv", CsvOptions.defaults()));
        assertTrue(noMatch.getMessage().contains("No file matches '" + dir + "/d/zz-*.csv'")
                && noMatch.getMessage().contains(cwd), noMatch.getMessage());
        SpillwayException noDir = assertThrows(SpillwayException.class,
                () -> CsvSource.open(dir + "/nodir/*.csv", CsvOptions.defaults()));
        assertTrue(noDir.getMessage().contains("does not exist"), noDir.getMessage());
        write(dir, "txt/a.txt", "x");
        SpillwayException noCsv = assertThrows(SpillwayException.class,
                () -> CsvSource.open(dir.resolve("txt").toString(), CsvOptions.defaults()));
        assertTrue(noCsv.getMessage().contains("holds no .csv files"), noCsv.getMessage());
    }

    @Test
    void allFilesEmptyNeedsASchema() {
        write(dir, "e/a.csv", "");
        SpillwayException e = assertThrows(SpillwayException.class,
                () -> CsvSource.open(dir.resolve("e").toString(), CsvOptions.defaults()));
        assertTrue(e.getMessage().contains("every file is empty"), e.getMessage());
    }

    @Test
    void aNameThatExistsIsNotTakenForAGlob() {
        Path f = write(dir, "br/a[1].csv", "n\n5\n");
        CsvSource src = CsvSource.open(f.toString(), CsvOptions.defaults());
        assertEquals(List.of(f), src.files());
        assertEquals(List.of(row(5)), readAll(src));
    }

    @Test
    void filesBeyondTheSampledOnesAreSplitOnlyIfNoSampledFileHadQuotedNewlines() {
        for (boolean quotedNewline : new boolean[] {false, true}) {
            Path d = dir.resolve("many" + quotedNewline);
            for (int i = 0; i < CsvSource.MAX_SAMPLED_FILES + 2; i++) {
                StringBuilder sb = new StringBuilder("id,s\n");
                for (int r = 0; r < 20; r++) {
                    sb.append(r).append(i == 0 && r == 0 && quotedNewline ? ",\"a\nb\"\n" : ",x\n");
                }
                write(d, String.format("f%03d.csv", i), sb.toString());
            }
            CsvSource src = CsvSource.open(d.toString(), CsvOptions.defaults().splitBytes(40));
            int last = src.files().size() - 1;
            long splitsOfLast = src.splits().stream().filter(s -> s.fileIndex() == last).count();
            long splitsOfSampled = src.splits().stream().filter(s -> s.fileIndex() == 5).count();
            assertEquals(quotedNewline, src.hasQuotedNewlines());
            assertEquals(quotedNewline, splitsOfLast == 1, "splits of the last file: " + splitsOfLast);
            assertTrue(splitsOfSampled > 1); // its own sample was clean
            assertEquals(20L * src.files().size(), CsvTestSupport.count(src, 7));
        }
    }

    @Test
    void withoutHeadersFilesMustAgreeOnTheFieldCount() {
        write(dir, "nh/a.csv", "1,2\n");
        write(dir, "nh/b.csv", "1,2,3\n");
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvSource.open(dir.resolve("nh").toString(), CsvOptions.defaults().header(false)));
        assertTrue(e.getMessage().contains("has 3 fields in its first row but"), e.getMessage());
    }

    @Test
    void totalBytesSumsFiles() {
        CsvSource src = CsvSource.open(dir + "/d/clicks-*.csv", CsvOptions.defaults());
        assertEquals(8, src.totalBytes());
    }
}

package org.spillway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.JoinData;

/**
 * {@code ./spillway bench join}'s code path on small tables: every question runs in both engines and
 * their checksums agree. Speed is not asserted.
 */
class JoinSideBySideTest {
    @TempDir
    Path dir;

    @Test
    void fiveJoinsAndTheSortAgreeWithDuckDb() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<SideBySide.JoinLine> lines;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            lines = SideBySide.join(100_000, 2, "256m", dir, Set.of(), out);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(JoinQuestions.ALL.size(), lines.size(), printed);
        for (SideBySide.JoinLine l : lines) {
            String name = l.question().name();
            assertNull(l.spillwayError(), name + "\n" + printed);
            assertNull(l.duckdbError(), name + "\n" + printed);
            assertNotNull(l.spillwayChecksum(), name);
            assertTrue(l.agrees(), name + ": " + l.spillwayChecksum() + " vs " + l.duckdbChecksum() + "\n" + printed);
            assertTrue(l.spillwayChecksum().rows() > 0, name);
        }
        assertFalse(printed.contains("MISMATCH"), printed);
        // The generated tables stay in the data directory for the next run.
        JoinData data = JoinData.of(100_000);
        for (JoinData.Table t : JoinData.Table.values()) {
            assertTrue(Files.exists(dir.resolve(data.fileName(t))), t.label());
        }
        // q3 is a left join: every row of x, the inner joins fewer (about 90% find a match).
        long xRows = lines.get(2).spillwayChecksum().rows();
        assertEquals(100_000, xRows);
        assertTrue(lines.get(1).spillwayChecksum().rows() < xRows);
        assertEquals(100_000, lines.get(5).spillwayChecksum().rows());
        assertEquals(JoinQuestions.SORT_EDGE, lines.get(5).spillwayChecksum().first().size());
        assertEquals(JoinQuestions.SORT_EDGE, lines.get(5).spillwayChecksum().last().size());
    }

    @Test
    void checksumsCompareSumsWithARelativeTolerance() {
        var a = new JoinQuestions.Checksum(10, 1e9, 5.0, List.of(), List.of(), null);
        assertTrue(a.agrees(new JoinQuestions.Checksum(10, 1e9 + 0.5, 5.0, List.of(), List.of(), null)));
        assertFalse(a.agrees(new JoinQuestions.Checksum(10, 1e9 + 5, 5.0, List.of(), List.of(), null)));
        assertFalse(a.agrees(new JoinQuestions.Checksum(11, 1e9, 5.0, List.of(), List.of(), null)));
        var s = new JoinQuestions.Checksum(3, 0, 0, List.of("id1/0.5"), List.of("id9/99.0"), null);
        assertFalse(s.agrees(new JoinQuestions.Checksum(3, 0, 0, List.of("id1/0.5"), List.of("id8/99.0"), null)));
        assertFalse(s.agrees(new JoinQuestions.Checksum(3, 0, 0, List.of("id1/0.5"), List.of("id9/99.0"), "chunk out of order")));
    }
}

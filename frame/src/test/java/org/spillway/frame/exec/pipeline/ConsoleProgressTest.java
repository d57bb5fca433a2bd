package org.spillway.frame.exec.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Rate and time left from wall time and bytes, on a clock the test moves; plain lines when not on a terminal. */
class ConsoleProgressTest {
    private static final long MB = 1_000_000;
    private static final long SECOND = 1_000_000_000L;

    /** A clock the test sets. */
    private static final class Clock {
        long nanos = 1_000 * SECOND;  // not zero: nothing may assume the clock starts there

        void at(double seconds) {
            nanos = 1_000 * SECOND + (long) (seconds * SECOND);
        }
    }

    @Test
    void rateIsBytesOverWallTimeSinceTheStageStarted() {
        Clock clock = new Clock();
        ProgressMeter m = new ProgressMeter(() -> clock.nanos, "MB");
        m.start(2_300 * MB);
        clock.at(2);
        m.update(60 * MB);     // when the bar appeared in the report
        clock.at(4);
        m.update(134 * MB);    // the report's 134 MB after 4 s: 33.5 MB/s, not 134 MB/s
        assertEquals(33.5 * MB, m.ratePerSecond(), 1e-6);
        assertEquals("33.5 MB/s", m.rateText());
        assertEquals("134/2,300 MB (5%)", m.amountText());
        clock.at(8);
        m.update(230 * MB);
        assertEquals(28.75 * MB, m.ratePerSecond(), 1e-6);
        // 2,070 MB left at 28.75 MB/s: 72 s
        assertEquals(OptionalLong.of(72 * SECOND), m.etaNanos());
        assertEquals("28.8 MB/s, ETA 0:01:12", m.rateAndEtaText());
        assertEquals("0:00:08", m.elapsedText());
    }

    @Test
    void noTimeLeftUntilItMeansSomething() {
        Clock clock = new Clock();
        ProgressMeter m = new ProgressMeter(() -> clock.nanos, "MB");
        m.start(1_000 * MB);
        assertEquals(OptionalLong.empty(), m.etaNanos());            // nothing done, no time passed
        clock.at(0.5);
        m.update(100 * MB);
        assertEquals(OptionalLong.empty(), m.etaNanos());            // 10% done but only half a second in
        clock.at(3);
        m.update(40 * MB);
        assertEquals(OptionalLong.empty(), m.etaNanos());            // 3 s in but 4% done
        assertEquals("13.3 MB/s", m.rateAndEtaText());
        m.update(60 * MB);
        assertEquals(OptionalLong.of(47 * SECOND), m.etaNanos());   // 940 MB at 20 MB/s
        // nearly done: a fraction of a second left shows as 0:00:01, never 0:00:00 while work remains
        m.update(999_999_999);
        assertEquals("333.3 MB/s, ETA 0:00:01", m.rateAndEtaText());
    }

    @Test
    void countsAreShownAsCounts() {
        Clock clock = new Clock();
        ProgressMeter m = new ProgressMeter(() -> clock.nanos, "rows");
        m.start(10_000_000);
        clock.at(4);
        m.update(2_500_000);
        assertEquals("625,000 rows/s", m.rateText());
        assertEquals("2,500,000/10,000,000 rows (25%)", m.amountText());
        assertEquals("625,000 rows/s, ETA 0:00:12", m.rateAndEtaText());
    }

    private static List<String> lines(ByteArrayOutputStream bytes) {
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(s.contains("\r"), s);
        return s.lines().toList();
    }

    @Test
    void notOnATerminalAStageThatEndsInSecondsPrintsOnePlainLine() {
        Clock clock = new Clock();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress("scan events", "MB", () -> clock.nanos, new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.onStart(230 * MB, 8);
        for (int s = 1; s <= 5; s++) {
            clock.at(s);
            p.onProgress(s * 40 * MB, s);
        }
        clock.at(6);
        p.onProgress(230 * MB, 8);
        p.onFinish(true);
        assertEquals(List.of("scan events: 230/230 MB (100%) in 0:00:06, 38.3 MB/s"), lines(bytes));
    }

    @Test
    void notOnATerminalALongStagePrintsALineEveryTenSecondsAndOneAtTheEnd() {
        Clock clock = new Clock();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress("sort (merge)", "rows", () -> clock.nanos, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                false);
        p.onStart(25_000, 25);
        for (int s = 1; s <= 24; s++) {
            clock.at(s);
            p.onProgress(s * 1_000L, s);
        }
        clock.at(25);
        p.onFinish(true);
        assertEquals(List.of(
                "sort (merge): 10,000/25,000 rows (40%), 0:00:10 so far, 1,000 rows/s, ETA 0:00:15",
                "sort (merge): 20,000/25,000 rows (80%), 0:00:20 so far, 1,000 rows/s, ETA 0:00:05",
                "sort (merge): 25,000/25,000 rows (100%) in 0:00:25, 1,000 rows/s"), lines(bytes));
    }

    @Test
    void quickStagesPrintNothingAndFailuresSaySo() {
        Clock clock = new Clock();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ConsoleProgress quick = new ConsoleProgress("count", "MB", () -> clock.nanos, out, false);
        quick.onStart(100 * MB, 4);
        clock.at(1.5);
        quick.onProgress(100 * MB, 4);
        quick.onFinish(true);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));

        ConsoleProgress failing = new ConsoleProgress("scan", "MB", () -> clock.nanos, out, false);
        clock.at(0);
        failing.onStart(100 * MB, 4);
        clock.at(3);
        failing.onProgress(25 * MB, 1);
        failing.onFinish(false);
        assertEquals(List.of("scan: 25/100 MB (25%), failed after 0:00:03, 8.3 MB/s"), lines(bytes));
    }

    @Test
    void onATerminalTheBarShowsTheMetersRate() throws Exception {
        Clock clock = new Clock();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress("scan", "MB", () -> clock.nanos, new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.onStart(2_300 * MB, 8);
        clock.at(2);
        p.onProgress(60 * MB, 1);
        clock.at(4);
        p.onProgress(134 * MB, 2);
        clock.at(10);
        p.onFinish(true);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("\r"), s);                                   // redrawn in place
        assertTrue(s.contains("2300/2300 MB (0:00:0") && s.contains(") 230.0 MB/s"), s);   // 2,300 MB in 10 s
        assertFalse(s.contains("134 MB/s") || s.contains("ETA 0:00:00"), s);
    }
}

package org.spillway.frame.io.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bloom filters are read, written and probed without parquet-column's hashing, whose shaded
 * zero-allocation-hashing calls {@code sun.misc.Unsafe} (and makes JDK 25 print "A terminally
 * deprecated method in sun.misc.Unsafe has been called"). Checked in a fresh JVM, since this test
 * JVM may have loaded those classes for other tests: {@link BloomPathsMain} runs every bloom filter
 * and dictionary path with {@code -Xlog:class+load}; no class of the shaded hashing or of
 * parquet-column's bloom filters may appear, nor an Unsafe warning on stderr. A second run that hashes
 * through parquet-column on purpose shows that the check sees both.
 */
class BloomNoUnsafeTest {
    private static final String SHADED = "shaded.parquet.net.openhft.";
    private static final String PARQUET_BLOOM = "org.apache.parquet.column.values.bloomfilter.";
    @TempDir
    static Path dir;

    /** The child's stdout, stderr and loaded classes. */
    private record Run(String out, String err, List<String> classes) {
    }

    private static Path duckFile() {
        Path f = dir.resolve("duck.parquet");
        if (!Files.exists(f)) {
            // 'DE', odd k and x = 0.75 are absent but inside every row group's min/max: only the bloom filters can tell
            ParquetTestSupport.exec("COPY (SELECT i AS id, ['AT', 'FR', 'ZA'][1 + i % 3] AS country, (i % 1000) * 2 AS k,"
                    + " (i % 100) / 2.0 AS x FROM range(30000) t(i)) TO " + ParquetTestSupport.sqlPath(f)
                    + " (FORMAT parquet, ROW_GROUP_SIZE 10240)");
        }
        return f;
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private static Run run(String name, String... extra) throws IOException, InterruptedException {
        Path work = Files.createDirectories(dir.resolve(name));
        Path log = work.resolve("classes.log");
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=warn", "-Xmx256m", "-XX:+UseSerialGC",
                "-Xlog:class+load=info:file=" + log, "-cp", classPath(), BloomPathsMain.class.getName(),
                duckFile().toString(), work.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        System.out.println(name + " stdout:\n" + stdout + name + " stderr:\n" + stderr);
        assertEquals(0, p.exitValue(), "child failed:\n" + stdout + "\n" + stderr);
        List<String> classes = new ArrayList<>();
        Pattern loaded = Pattern.compile("\\[class,load\\s*\\] (\\S+) ");
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = loaded.matcher(line);
            if (m.find()) {
                classes.add(m.group(1));
            }
        }
        assertTrue(classes.size() > 100, "the class-load log was written: " + classes.size() + " classes");
        return new Run(stdout, stderr, classes);
    }

    private static long number(String out, String key) {
        Matcher m = Pattern.compile(key + "=(\\d+)").matcher(out);
        assertTrue(m.find(), key + " in " + out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void bloomFiltersNeverLoadTheShadedHashingNorWarnAboutUnsafe() throws Exception {
        Run r = run("clean");
        List<String> bad = r.classes().stream().filter(c -> c.startsWith(SHADED) || c.startsWith(PARQUET_BLOOM)).toList();
        assertEquals(List.of(), bad, "parquet-column's bloom filter hashing was loaded");
        assertFalse(r.err().contains("sun.misc.Unsafe"), r.err());
        assertTrue(r.classes().containsAll(List.of(XxHash64.class.getName(), SplitBlockBloomFilter.class.getName(),
                ParquetDictionaries.class.getName())), "the paths under test ran");
        assertEquals(0, number(r.out(), "found"), r.out());
        assertTrue(number(r.out(), "duckBloom") >= 6, "DuckDB's filters pruned: " + r.out());
        assertTrue(number(r.out(), "ownBloom") >= 3, "Spillway's filters pruned: " + r.out());
        assertTrue(number(r.out(), "dictionary") >= 3, "dictionaries pruned: " + r.out());
    }

    @Test
    void theCheckSeesParquetColumnHashing() throws Exception {
        Run r = run("control", "parquet-column");
        assertTrue(r.classes().stream().anyMatch(c -> c.startsWith(SHADED)), "the shaded hashing shows in the log");
        assertTrue(r.err().contains("sun.misc.Unsafe"), "and JDK 25 warns: " + r.err());
        assertTrue(r.err().contains("shaded.parquet.net.openhft"), "naming the caller: " + r.err());
    }
}

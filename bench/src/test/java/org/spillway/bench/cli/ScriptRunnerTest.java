package org.spillway.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./spillway shell script.jsh} runs {@link ScriptRunner#main}, which returns the status of
 * {@link ScriptRunner#run}: these tests call {@code run} (and {@code main} in a child JVM, as the
 * launcher does) on scripts with JShell commands, echoed values and failures.
 */
class ScriptRunnerTest {
    @TempDir
    Path dir;

    /** The result of one run: exit status, echoed values and command output, error messages. */
    private record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = ScriptRunner.run(args, o, e);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path script(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void commandsEchoOpenAndExitWithTheGivenStatus() throws IOException {
        script("lib.jsh", """
                int fromLib = 99;
                int twice(int a) { return 2 * a; }
                """);
        Path main = script("main.jsh", """
                // /open finds lib.jsh beside this script; it is not in the working directory
                /open lib.jsh
                int answer = twice(fromLib) - 156;
                answer;
                answer + 0
                var spillway = Spillway.builder();  // the startup imports org.spillway.frame.*
                /vars
                /methods
                /imports
                /list answer
                /exit 3
                throw new AssertionError("after /exit");
                """);
        Run r = run(main.toString());
        assertEquals(3, r.status(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("answer ==> 42"), r.out());   // a bare variable: echoed with its name
        assertTrue(lines.contains("$5 ==> 42"), r.out());       // an expression: $5, the fifth snippet (lib.jsh had two)
        assertFalse(r.out().contains("fromLib ==>"), r.out());  // declarations are not echoed in concise mode
        assertTrue(lines.contains("|    int fromLib = 99"), r.out());
        assertTrue(lines.contains("|    int answer = 42"), r.out());
        assertTrue(lines.contains("|    int twice(int)"), r.out());
        assertTrue(lines.contains("|    import static org.spillway.frame.Functions.*"), r.out());
        assertTrue(lines.contains("   3 : int answer = twice(fromLib) - 156;"), r.out());
    }

    @Test
    void theFirstFailingSnippetStopsTheRunNamingFileAndLine() throws IOException {
        Path s = script("fail.jsh", """
                int n = 1;
                void check(int a) {
                    if (a > 1) {
                        throw new IllegalStateException("too big: " + a);
                    }
                }
                check(n);
                check(n + 1);
                "not reached";
                """);
        Run r = run(s.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith(s + ":8: error: check(n + 1);"), r.err());
        assertTrue(r.err().contains("threw java.lang.IllegalStateException: too big: 2"), r.err());
        assertTrue(r.err().contains("at check (" + s + ":4)"), r.err());   // the throw, on the script's line
        assertFalse(r.out().contains("not reached"), r.out());
    }

    @Test
    void aCompileErrorNamesTheLineOfTheErrorInAMultiLineSnippet() throws IOException {
        Path s = script("compile.jsh", """
                var q = List.of(1, 2)
                        .stream()
                        .mapp(x -> x);
                /exit 0
                """);
        Run r = run(s.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith(s + ":3: error: cannot find symbol"), r.err());
        assertTrue(r.err().contains(".mapp(x -> x);\n  " + " ".repeat(8) + "^"), r.err());
    }

    @Test
    void unknownAndInteractiveOnlyCommandsAreErrors() throws IOException {
        Run r = run(script("unknown.jsh", "int a = 1;\n/frobnicate\n/exit 0\n").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("unknown.jsh:2: error: unknown command /frobnicate; scripts support /exit, /open"), r.err());
        r = run(script("edit.jsh", "/edit\n").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("/edit is a command of the interactive shell"), r.err());
        r = run(script("missing.jsh", "/open no-such-file.jsh\n").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("missing.jsh:1: error: /open no-such-file.jsh: no such file"), r.err());
        r = run(script("incomplete.jsh", "int x = Math.max(1,\n/vars\n").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("incomplete.jsh:1: error: incomplete snippet at the end of"), r.err());
    }

    @Test
    void aSnippetEndsWithItsLineUnlessTheNextLineContinuesIt() throws IOException {
        Run r = run(script("chain.jsh", """
                var sorted = List.of(3, 1, 2)
                        .stream()   // a chain with its dots at the starts of lines is one snippet
                        .sorted()
                        .toList();
                int a = 1
                a > 0
                        && sorted.size() == 3
                        ? "yes"
                        : "no"
                sorted; a + 1;
                /vars sorted
                """).toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("$3 ==> \"yes\"", "sorted ==> [1, 2, 3]", "$5 ==> 2", "|    List<Integer> sorted = [1, 2, 3]"),
                r.out().lines().toList());
    }

    @Test
    void exitTakesAnIntExpressionAndNoneMeansZero() throws IOException {
        assertEquals(0, run(script("plain.jsh", "int a = 1;\n").toString()).status());
        assertEquals(0, run(script("bare.jsh", "int a = 1;\n/exit\n").toString()).status());
        assertEquals(5, run(script("expr.jsh", "int failures = 2;\n/exit failures + 3\n").toString()).status());
        Run r = run(script("str.jsh", "/exit \"no\"\n").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("/exit takes an int expression"), r.err());
    }

    @Test
    void feedbackModes() throws IOException {
        Path s = script("modes.jsh", "int a = 40;\na + 2;\nvoid m() { }\n");
        assertEquals("", run("--feedback", "silent", s.toString()).out());
        assertEquals("", run("-q", s.toString()).out());
        assertEquals(List.of("a ==> 40", "$2 ==> 42", "|  created method m()"), run("--feedback=normal", s.toString()).out().lines().toList());
        Run switched = run(script("set.jsh", "/set feedback silent\n1 + 1;\n/set feedback concise\n2 + 2;\n").toString());
        assertEquals(List.of("$2 ==> 4"), switched.out().lines().toList());
        assertEquals(2, run("--feedback", "loud", s.toString()).status());
        assertEquals(2, run("--no-such-option", s.toString()).status());
        assertEquals(2, run(dir.resolve("absent.jsh").toString()).status());
    }

    @Test
    void longValuesAreTruncatedAsJshellDoes() {
        String v = "a".repeat(600) + "b".repeat(600);
        String t = ScriptSession.truncate(v);
        assertEquals(ScriptSession.VALUE_TRUNCATION, t.length());
        assertTrue(t.startsWith("aaa") && t.contains(" ... ") && t.endsWith("bbb"), t);
        assertEquals("short", ScriptSession.truncate("short"));
    }

    /** As the launcher runs it: a JVM of its own with flags; /exit's status is the process's exit code. */
    @Test
    void mainExitsWithTheScriptsStatusAndItsJvmFlagsReachTheSnippets() throws Exception {
        Path s = script("child.jsh", """
                var flag = System.getProperty("spillway.test.flag");
                flag;
                /exit flag.equals("on") && Runtime.getRuntime().maxMemory() < (100L << 20) ? 7 : 8
                """);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-Dspillway.test.flag=on", "-cp", System.getProperty("java.class.path"),
                ScriptRunner.class.getName(), s.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(7, p.exitValue(), output);
        assertTrue(output.contains("flag ==> \"on\""), output);

        Process failing = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ScriptRunner.class.getName(), script("bad.jsh", "int x = 1;\nx / 0;\n/exit 0\n").toString())
                .redirectErrorStream(true)
                .start();
        output = new String(failing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(failing.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(1, failing.exitValue(), output);
        assertTrue(output.contains("bad.jsh:2: error: x / 0;\n  threw java.lang.ArithmeticException: / by zero"), output);
    }
}

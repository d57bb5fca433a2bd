package org.spillway.bench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs a JShell script with Spillway on the class path and the startup imports made
 * ({@code ./spillway shell script.jsh}). Unlike the {@code jshell} tool it stops at the first
 * snippet that fails to compile or throws, prints why (with the line), and exits with status 1,
 * so scripts can be used in CI. Snippets run in this JVM ("local" execution).
 */
public final class ScriptRunner {
    private ScriptRunner() {
    }

    /** {@code ScriptRunner script.jsh}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ./spillway shell [script.jsh]");
            System.exit(2);
        }
        Path script = Path.of(args[0]);
        if (!Files.isRegularFile(script)) {
            System.err.println("spillway shell: no such script: " + script.toAbsolutePath());
            System.exit(2);
        }
        System.exit(run(startup() + "\n", Files.readString(script, StandardCharsets.UTF_8), script.toString()));
    }

    static String startup() throws IOException {
        try (InputStream in = ScriptRunner.class.getResourceAsStream("/spillway-startup.jsh")) {
            if (in == null) {
                throw new IOException("spillway-startup.jsh is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Evaluates the startup then the script; returns the exit status (0 ok, 1 failed). */
    static int run(String startup, String source, String name) {
        try (JShell shell = JShell.builder().executionEngine("local").out(System.out).err(System.err).build()) {
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    shell.addToClasspath(entry);
                }
            }
            if (evalAll(shell, startup, "startup") != 0) {
                return 1;
            }
            return evalAll(shell, source, name);
        }
    }

    private static int evalAll(JShell shell, String source, String name) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = source;
        int consumed = 0;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            String snippet = info.source();
            int line = 1 + countLines(source, consumed + leadingSpace(remaining));
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                consumed += remaining.length() - info.remaining().length();
                remaining = info.remaining();
                continue;
            }
            if (snippet == null || !info.completeness().isComplete()) {
                System.err.println(name + ":" + line + ": incomplete statement at the end of the script: "
                        + firstLine(remaining));
                return 1;
            }
            List<SnippetEvent> events = shell.eval(snippet);
            for (SnippetEvent e : events) {
                if (e.exception() != null) {
                    System.err.println(name + ":" + line + ": " + firstLine(snippet) + "\n  threw " + describe(e.exception()));
                    printStack(e.exception());
                    return 1;
                }
                if (e.status() == Snippet.Status.REJECTED) {
                    System.err.println(name + ":" + line + ": does not compile: " + firstLine(snippet));
                    shell.diagnostics(e.snippet()).forEach(d -> System.err.println("  " + message(d)));
                    return 1;
                }
            }
            consumed += remaining.length() - info.remaining().length();
            remaining = info.remaining();
        }
        return 0;
    }

    private static String describe(Throwable t) {
        if (t instanceof EvalException ee) {
            return ee.getExceptionClassName() + ": " + ee.getMessage();
        }
        return t.toString();
    }

    private static void printStack(Throwable t) {
        for (StackTraceElement el : t.getStackTrace()) {
            if (el.getClassName().startsWith("REPL.")) {
                break;
            }
            System.err.println("    at " + el);
        }
    }

    private static String message(Diag d) {
        return d.getMessage(java.util.Locale.ROOT);
    }

    private static int leadingSpace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int countLines(String s, int upTo) {
        int n = 0;
        for (int i = 0; i < Math.min(upTo, s.length()); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }
}

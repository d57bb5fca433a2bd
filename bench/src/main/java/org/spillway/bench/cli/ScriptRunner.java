package org.spillway.bench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs JShell scripts with Spillway on the class path and the startup imports made
 * ({@code ./spillway shell script.jsh}), as {@code jshell script.jsh} would, with three differences that
 * make scripts usable in CI and as documentation:
 *
 * <ul>
 *   <li>the run stops at the first snippet that does not compile or throws (or the first unknown
 *       command), prints the file, the line and the error, and exits with status 1 ({@code jshell}
 *       goes on and exits 0);</li>
 *   <li>values of expression statements are echoed as JShell's {@code concise} feedback mode shows
 *       them ({@code $3 ==> 42}); {@code jshell script.jsh} prints nothing for them even with
 *       {@code --feedback normal}, which leaves a line such as {@code big.count();} without effect.
 *       {@code --feedback silent} (or {@code -q}) prints only what the script prints, as
 *       {@code jshell script.jsh}; {@code --feedback normal} also echoes declarations;</li>
 *   <li>snippets run in this JVM ("local" execution), so the launcher's JVM flags
 *       ({@code SPILLWAY_MEMORY}, {@code SPILLWAY_JAVA_OPTS}) apply to them directly.</li>
 * </ul>
 *
 * <p>The JShell commands a script needs work: {@code /exit [status]}, {@code /open file},
 * {@code /vars}, {@code /methods}, {@code /types}, {@code /imports}, {@code /list},
 * {@code /set feedback mode} and {@code /help} (see {@link ScriptSession}). The startup is JShell's
 * {@code DEFAULT} ({@code import module java.base;}) then {@code spillway-startup.jsh}, as for the
 * interactive {@code ./spillway shell}.
 *
 * <p>Exit status: 0 when every script ran to its end, {@code N} after {@code /exit N}, 1 when a snippet
 * or command failed, 2 for a usage error (an unknown option, a missing script).
 */
public final class ScriptRunner {
    static final String USAGE = """
            usage: ./spillway shell [--feedback concise|normal|silent] [-q] script.jsh [more.jsh ...]
              runs the scripts in one JShell session with Spillway on the class path; stops at the first
              failing snippet (exit status 1, naming the file and line); /exit N exits with status N
              --feedback concise  echo values of expression statements ($3 ==> 42) (the default)
              --feedback normal   also echo variables as they are declared or assigned, and created methods and types
              --feedback silent   echo nothing, print only what the script prints (as jshell script.jsh); -q is the same
            """;

    private ScriptRunner() {
    }

    /** {@code ScriptRunner [options] script.jsh ...}: exits with the status of {@link #run}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the scripts named in {@code args} (after the options of {@link #USAGE}) in one JShell
     * session in this JVM. Echoed values and command output go to {@code out}, errors to {@code err};
     * what the snippets print goes to {@link System#out} and {@link System#err} as usual.
     *
     * @return the exit status: 0, the status given to {@code /exit}, 1 on the first failure, 2 for a usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        ScriptSession.Feedback feedback = ScriptSession.Feedback.CONCISE;
        List<Path> scripts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(USAGE);
                return 0;
            } else if (a.equals("-q") || a.equals("--quiet")) {
                feedback = ScriptSession.Feedback.SILENT;
            } else if (a.equals("--feedback") || a.startsWith("--feedback=")) {
                String mode = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[++i] : "";
                feedback = ScriptSession.Feedback.parse(mode);
                if (feedback == null) {
                    err.println("spillway shell: --feedback takes concise, normal or silent, not '" + mode + "'");
                    return 2;
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                err.println("spillway shell: unknown option " + a + "\n" + USAGE);
                return 2;
            } else {
                scripts.add(Path.of(a));
            }
        }
        if (scripts.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        for (Path script : scripts) {
            if (!Files.isRegularFile(script)) {
                err.println("spillway shell: no such script: " + script.toAbsolutePath());
                return 2;
            }
        }
        String startup;
        try {
            startup = startup();
        } catch (IOException e) {
            err.println("spillway shell: " + e.getMessage());
            return 1;
        }
        try (ScriptSession session = new ScriptSession(feedback, out, err)) {
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    session.addToClasspath(entry);
                }
            }
            session.runStartup(ScriptSession.DEFAULT_STARTUP, "DEFAULT");
            session.runStartup(startup, "spillway-startup.jsh");
            for (Path script : scripts) {
                session.runFile(script);
            }
            return 0;
        } catch (ScriptSession.Stop stop) {
            return stop.status();
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The Spillway startup snippets ({@code spillway-startup.jsh} on the class path). */
    static String startup() throws IOException {
        try (InputStream in = ScriptRunner.class.getResourceAsStream("/spillway-startup.jsh")) {
            if (in == null) {
                throw new IOException("spillway-startup.jsh is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

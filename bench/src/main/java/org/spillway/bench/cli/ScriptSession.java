package org.spillway.bench.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * One JShell session running script files for {@link ScriptRunner}: it splits a file into snippets
 * and commands, evaluates the snippets (in this JVM), echoes values as the {@link Feedback} mode says,
 * runs the JShell commands a script needs, and ends the run with {@link Stop} on {@code /exit} or on the
 * first failure, after printing the file, line and error.
 *
 * <p>A command is a line whose first non-blank character is {@code /} followed by a letter, where a
 * snippet may begin (as in {@code jshell}). As in {@code jshell}, a snippet ends at the end of the first
 * line where JShell's {@link SourceCodeAnalysis} says it is complete (so a semicolon at the end of a line
 * may be left out), except that a following line starting with {@code .}, {@code &&}, {@code ||},
 * {@code ?} or {@code :} continues it: a fluent chain may put its dots at the starts of lines, which
 * {@code jshell} would run as separate, failing snippets. Supported commands (a unique prefix is enough, as in {@code jshell}):
 * {@code /exit [int expression]}, {@code /open file} (relative to the working directory, else to the
 * directory of the script that opens it; or {@code DEFAULT}, {@code PRINTING}, {@code JAVASE}),
 * {@code /vars}, {@code /methods}, {@code /types}, {@code /list} (each optionally with names or ids),
 * {@code /imports}, {@code /set feedback concise|normal|silent} and {@code /help}. Listings are
 * formatted as {@code jshell}'s. Snippet ids are 1, 2, ... for the scripts and s1, s2, ... for the
 * startup, so {@code $3} names the value of the script's third snippet, as in {@code jshell}.
 */
final class ScriptSession implements AutoCloseable {
    /** JShell's {@code DEFAULT} startup on JDK 25. */
    static final String DEFAULT_STARTUP = "import module java.base;\n";

    /** JShell's {@code PRINTING} startup: {@code print}, {@code println} and {@code printf} methods. */
    static final String PRINTING_STARTUP = Stream.of("boolean b", "char c", "int i", "long l", "float f", "double d", "char[] s",
                    "String s", "Object obj")
            .map(p -> {
                String v = p.substring(p.indexOf(' ') + 1);
                return "void print(" + p + ") { System.out.print(" + v + "); }\n"
                        + "void println(" + p + ") { System.out.println(" + v + "); }\n";
            })
            .collect(Collectors.joining("", "", "void println() { System.out.println(); }\n"
                    + "void printf(java.util.Locale l, String format, Object... args) { System.out.printf(l, format, args); }\n"
                    + "void printf(String format, Object... args) { System.out.printf(format, args); }\n"));

    /** Longest value echoed whole; longer ones keep their start and end around " ... ", as {@code jshell}. */
    static final int VALUE_TRUNCATION = 1000;

    private static final List<String> COMMANDS = List.of("/exit", "/open", "/vars", "/methods", "/types", "/imports", "/list",
            "/set", "/help");
    private static final List<String> TOOL_ONLY = List.of("/edit", "/drop", "/save", "/reset", "/reload", "/history", "/env",
            "/retain", "/debug", "/!", "/?");

    /** What is echoed after a snippet runs, after JShell's feedback modes of the same names. */
    enum Feedback {
        /** Values of expression statements ({@code $3 ==> 42}, {@code x ==> 7} for a bare {@code x;}). */
        CONCISE,
        /** As concise, plus variables as declared or assigned, and created, modified or replaced methods and types. */
        NORMAL,
        /** Nothing but errors. */
        SILENT;

        /** The mode named {@code s} (case-insensitive), or null. */
        static Feedback parse(String s) {
            for (Feedback f : values()) {
                if (f.name().equalsIgnoreCase(s.strip())) {
                    return f;
                }
            }
            return null;
        }
    }

    /** Ends the run: after {@code /exit} or a failure (whose message has been printed), with the exit status. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Stop(int status) {
            super("exit " + status, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** Where a snippet came from, for messages and stack traces. */
    private record Origin(String file, int line) {
    }

    /** Snippet ids of one name space: the startup's s1, s2, ... or the scripts' 1, 2, .... */
    private static final class Ids {
        final String prefix;
        int next = 1;

        Ids(String prefix) {
            this.prefix = prefix;
        }
    }

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final PrintStream out;
    private final PrintStream err;
    private final Ids startupIds = new Ids("s");
    private final Ids scriptIds = new Ids("");
    private Ids ids = scriptIds;
    private Feedback feedback;
    private final Map<String, Origin> origins = new HashMap<>();
    private final Deque<Path> running = new ArrayDeque<>();

    ScriptSession(Feedback feedback, PrintStream out, PrintStream err) {
        this.feedback = feedback;
        this.out = out;
        this.err = err;
        this.shell = JShell.builder()
                .executionEngine("local")
                .out(System.out)
                .err(System.err)
                .idGenerator((snippet, internal) -> ids.prefix + ids.next++)
                .tempVariableNameGenerator(() -> "$" + ids.prefix + ids.next)
                .build();
        this.analysis = shell.sourceCodeAnalysis();
    }

    /** Adds a class path entry for the snippets' compiler and class loader. */
    void addToClasspath(String entry) {
        shell.addToClasspath(entry);
    }

    /** Evaluates startup snippets: ids s1, s2, ..., nothing echoed, any failure ends the run. */
    void runStartup(String source, String name) {
        Ids saved = ids;
        Feedback savedFeedback = feedback;
        ids = startupIds;
        feedback = Feedback.SILENT;
        try {
            runSource(source, name, null);
        } finally {
            ids = saved;
            feedback = savedFeedback;
        }
    }

    /** Runs a script file; returns at its end, throws {@link Stop} on {@code /exit} or a failure. */
    void runFile(Path file) {
        runFile(file, file.toString());
    }

    private void runFile(Path file, String name) {
        Path key = file.toAbsolutePath().normalize();
        if (running.contains(key)) {
            throw fail(name + ": opened again while it is running (/open cycle: " + running.reversed() + ")");
        }
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw fail("spillway shell: cannot read " + name + ": " + e);
        }
        running.push(key);
        try {
            runSource(source, name, key.getParent());
        } finally {
            running.pop();
        }
    }

    // ---- splitting a file into snippets and commands ----------------------------------------

    private void runSource(String src, String file, Path dir) {
        int pos = 0;
        while (true) {
            pos = skipBlankAndComments(src, pos);
            if (pos >= src.length()) {
                return;
            }
            int line = lineOf(src, pos);
            if (isCommandAt(src, pos) && src.substring(src.lastIndexOf('\n', pos - 1) + 1, pos).isBlank()) {
                int end = src.indexOf('\n', pos);
                end = end < 0 ? src.length() : end;
                command(src.substring(pos, end).strip(), new Origin(file, line), dir);
                pos = end;
                continue;
            }
            // As jshell: lines are added until the snippet is complete at the end of one; unlike jshell, a complete
            // snippet goes on when the next line continues it (starts with '.', "&&", "||", '?' or ':'), so a
            // fluent chain may put its dots at the starts of lines.
            int end = lineEnd(src, pos);
            while (true) {
                String text = src.substring(pos, end);
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(text);
                if (info.completeness().isComplete() && info.source() != null) {
                    String rest = info.remaining();
                    boolean endsTheText = skipBlankAndComments(rest, 0) >= rest.length();
                    if (endsTheText && end < src.length() && continues(src, skipBlankAndComments(src, end))) {
                        end = lineEnd(src, end);
                        continue;
                    }
                    evaluate(info.source(), new Origin(file, line));
                    pos += Math.max(1, text.length() - rest.length());
                    break;
                }
                if (end >= src.length()) {
                    throw fail(file + ":" + line + ": error: incomplete snippet at the end of " + file
                            + " (a missing ';', ')' or '}'?)\n  " + firstLine(text));
                }
                end = lineEnd(src, end);
            }
        }
    }

    /** The end of the line at {@code pos}, after its '\n' (or the end of the text). */
    private static int lineEnd(String s, int pos) {
        int nl = s.indexOf('\n', pos);
        return nl < 0 ? s.length() : nl + 1;
    }

    /** Whether the code at {@code pos} can only continue the snippet before it (a chained call or an operator). */
    static boolean continues(String s, int pos) {
        if (pos >= s.length()) {
            return false;
        }
        char c = s.charAt(pos);
        return c == '.' && !(pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1)))
                || c == '?' || c == ':' || s.startsWith("&&", pos) || s.startsWith("||", pos);
    }

    /** Skips white space, line comments and block comments from {@code pos}. */
    static int skipBlankAndComments(String s, int pos) {
        int i = pos;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("//", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
            } else {
                break;
            }
        }
        return i;
    }

    /** A command starts with '/' and a letter, '!' or '?' ({@code /exit}, {@code /!}); '//' and '/*' are comments. */
    static boolean isCommandAt(String s, int pos) {
        if (pos + 1 >= s.length() || s.charAt(pos) != '/') {
            return pos + 1 == s.length() && s.charAt(pos) == '/';
        }
        char c = s.charAt(pos + 1);
        return Character.isLetter(c) || c == '!' || c == '?';
    }

    private static int lineOf(String s, int pos) {
        int n = 1;
        for (int i = 0; i < pos && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    // ---- snippets ---------------------------------------------------------------------------

    private void evaluate(String source, Origin origin) {
        List<SnippetEvent> events = shell.eval(source);
        List<SnippetEvent> own = events.stream().filter(e -> e.causeSnippet() == null).toList();
        for (SnippetEvent e : own) {
            origins.put(e.snippet().id(), origin);
        }
        for (SnippetEvent e : own) {
            if (e.status() == Snippet.Status.REJECTED) {
                throw fail(compileErrors(e.snippet(), origin));
            }
        }
        for (SnippetEvent e : own) {
            if (e.exception() != null) {
                throw fail(origin.file() + ":" + origin.line() + ": error: " + firstLine(source) + "\n  threw "
                        + describe(e.exception()) + stackTrace(e.exception()));
            }
        }
        for (SnippetEvent e : own) {
            echo(e);
        }
    }

    private String compileErrors(Snippet snippet, Origin origin) {
        StringBuilder sb = new StringBuilder();
        String src = snippet.source();
        List<Diag> diags = shell.diagnostics(snippet).toList();
        for (Diag d : diags) {
            if (!d.isError() && diags.stream().anyMatch(Diag::isError)) {
                continue;
            }
            // javac's preferred position is where the error is (the '.' of a bad call); its range may span lines
            int at = clamp(d.getPosition() < 0 ? d.getStartPosition() : d.getPosition(), src.length());
            int lineStart = src.lastIndexOf('\n', at - 1) + 1;
            int lineEnd = src.indexOf('\n', at);
            lineEnd = lineEnd < 0 ? src.length() : lineEnd;
            int from = clamp(d.getStartPosition(), src.length());
            int to = clamp(d.getEndPosition(), src.length());
            if (from < lineStart || to > lineEnd || from > at || to <= at) {
                from = at;
                to = at + 1;
            }
            int line = origin.line() + (int) src.substring(0, at).chars().filter(c -> c == '\n').count();
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(origin.file()).append(':').append(line).append(": ").append(d.isError() ? "error: " : "warning: ")
                    .append(d.getMessage(Locale.ROOT).replace("\n", "\n  "));
            sb.append("\n  ").append(src, lineStart, lineEnd).append("\n  ").append(" ".repeat(from - lineStart))
                    .append(to - from > 1 ? "^" + "-".repeat(to - from - 2) + "^" : "^");
        }
        if (sb.isEmpty()) {
            sb.append(origin.file()).append(':').append(origin.line()).append(": error: does not compile: ").append(firstLine(src));
        }
        return sb.toString();
    }

    private static int clamp(long pos, int length) {
        return (int) Math.max(0, Math.min(length, pos));
    }

    private String describe(JShellException e) {
        if (e instanceof EvalException ee) {
            return ee.getExceptionClassName() + (ee.getMessage() == null ? "" : ": " + ee.getMessage());
        }
        if (e instanceof UnresolvedReferenceException ure) {
            DeclarationSnippet s = ure.getSnippet();
            return "a call of " + kindAndName(s) + " which cannot be used until " + unresolved(s) + " is declared";
        }
        return e.toString();
    }

    /** The stack of an exception from a snippet: library frames as they are, snippet frames as file:line. */
    private String stackTrace(JShellException e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        boolean first = true;
        while (t != null) {
            if (!first) {
                sb.append("\n  caused by ").append(t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName())
                        .append(t.getMessage() == null ? "" : ": " + t.getMessage());
            }
            StackTraceElement[] stack = t.getStackTrace();
            int last = -1;
            for (int i = 0; i < stack.length; i++) {
                if (isSnippetFrame(stack[i])) {
                    last = i;
                }
            }
            int shown = last >= 0 ? last + 1 : Math.min(stack.length, 20);
            for (int i = 0; i < shown; i++) {
                sb.append("\n    at ").append(frame(stack[i]));
            }
            first = false;
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.toString();
    }

    private static boolean isSnippetFrame(StackTraceElement el) {
        // JShell names a snippet's source "#<id>" (its class is REPL.$JShell$<n>, or empty in an EvalException's copy)
        return el.getFileName() != null && el.getFileName().startsWith("#")
                && (el.getClassName().isEmpty() || el.getClassName().startsWith("REPL."));
    }

    private String frame(StackTraceElement el) {
        if (!isSnippetFrame(el)) {
            return el.toString();
        }
        Origin o = origins.get(el.getFileName().substring(1));
        String method = el.getMethodName().isEmpty() || el.getMethodName().equals("do_it$") ? "" : el.getMethodName() + " ";
        if (o == null) {
            return method + "(" + el.getFileName() + ":" + el.getLineNumber() + ")";
        }
        return method + "(" + o.file() + ":" + (o.line() + Math.max(0, el.getLineNumber() - 1)) + ")";
    }

    private void echo(SnippetEvent e) {
        Snippet s = e.snippet();
        if (feedback == Feedback.SILENT || e.status() == Snippet.Status.REJECTED) {
            return;
        }
        boolean expression = s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                || s.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND;
        if (expression || feedback == Feedback.NORMAL && (s.kind() == Snippet.Kind.VAR || s.subKind() == Snippet.SubKind.ASSIGNMENT_SUBKIND)) {
            String name = s instanceof VarSnippet v ? v.name() : s instanceof ExpressionSnippet x ? x.name() : null;
            if (name != null && e.value() != null && e.status() == Snippet.Status.VALID) {
                out.println(name + " ==> " + truncate(e.value()));
            }
        }
        if (s instanceof DeclarationSnippet d) {
            boolean recoverable = e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED;
            if (recoverable) {
                out.println("|  " + action(e) + " " + kindAndName(d) + ", however, it cannot be "
                        + (s.kind() == Snippet.Kind.METHOD ? "invoked" : "referenced") + " until " + unresolved(d) + " is declared");
            } else if (feedback == Feedback.NORMAL && (s.kind() == Snippet.Kind.METHOD || s.kind() == Snippet.Kind.TYPE_DECL)) {
                out.println("|  " + action(e) + " " + kindAndName(d));
            }
        }
    }

    private static String action(SnippetEvent e) {
        if (!e.previousStatus().isDefined()) {
            return "created";
        }
        return e.isSignatureChange() ? "replaced" : "modified";
    }

    private String unresolved(DeclarationSnippet s) {
        List<String> names = shell.unresolvedDependencies(s).toList();
        return names.isEmpty() ? "what it refers to" : String.join(", ", names);
    }

    private static String kindAndName(DeclarationSnippet s) {
        return switch (s) {
            case MethodSnippet m -> "method " + m.name() + "(" + m.parameterTypes() + ")";
            case VarSnippet v -> "variable " + v.name();
            case TypeDeclSnippet t -> typeKind(t) + " " + t.name();
            default -> s.name();
        };
    }

    private static String typeKind(TypeDeclSnippet t) {
        return switch (t.subKind()) {
            case INTERFACE_SUBKIND -> "interface";
            case ENUM_SUBKIND -> "enum";
            case ANNOTATION_TYPE_SUBKIND -> "@interface";
            case RECORD_SUBKIND -> "record";
            default -> "class";
        };
    }

    static String truncate(String value) {
        if (value.length() <= VALUE_TRUNCATION) {
            return value;
        }
        int keep = VALUE_TRUNCATION - 5;
        return value.substring(0, (keep + 1) / 2) + " ... " + value.substring(value.length() - keep / 2);
    }

    // ---- commands ---------------------------------------------------------------------------

    private void command(String text, Origin origin, Path dir) {
        int space = indexOfBlank(text);
        String given = space < 0 ? text : text.substring(0, space);
        String arg = space < 0 ? "" : text.substring(space).strip();
        String name = resolveCommand(given, origin);
        switch (name) {
            case "/exit" -> exit(arg, origin);
            case "/open" -> open(arg, origin, dir);
            case "/vars" -> vars(selected(shell.variables(), arg, origin));
            case "/methods" -> methods(selected(shell.methods(), arg, origin));
            case "/types" -> types(selected(shell.types(), arg, origin));
            case "/imports" -> shell.imports().forEach(i -> listed("import " + (i.isStatic() ? "static " : "") + i.fullname()));
            case "/list" -> list(selected(shell.snippets().filter(s -> !s.id().startsWith(startupIds.prefix)), arg, origin));
            case "/set" -> set(arg, origin);
            case "/help" -> help();
            default -> throw new IllegalStateException(name);
        }
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private String resolveCommand(String given, Origin origin) {
        if (COMMANDS.contains(given)) {
            return given;
        }
        if (TOOL_ONLY.contains(given)) {
            throw fail(origin.file() + ":" + origin.line() + ": error: " + given + " is a command of the interactive shell, not of scripts ("
                    + "scripts support " + String.join(", ", COMMANDS) + ")");
        }
        List<String> matches = COMMANDS.stream().filter(c -> c.startsWith(given) && given.length() > 1).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        throw fail(origin.file() + ":" + origin.line() + ": error: " + (matches.isEmpty() ? "unknown command " : "ambiguous command ")
                + given + (matches.isEmpty() ? "" : " (" + String.join(", ", matches) + ")") + "; scripts support "
                + String.join(", ", COMMANDS) + " (/help describes them)");
    }

    private void exit(String arg, Origin origin) {
        if (arg.isEmpty()) {
            throw new Stop(0);
        }
        try {
            throw new Stop(Integer.parseInt(arg));
        } catch (NumberFormatException notLiteral) {
            // an int expression, as jshell's /exit takes: evaluate it as a snippet
        }
        List<SnippetEvent> events = shell.eval(arg.endsWith(";") ? arg : arg + ";");
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue;
            }
            origins.put(e.snippet().id(), origin);
            if (e.status() == Snippet.Status.REJECTED) {
                throw fail(compileErrors(e.snippet(), origin));
            }
            if (e.exception() != null) {
                throw fail(origin.file() + ":" + origin.line() + ": error: /exit " + arg + "\n  threw " + describe(e.exception()));
            }
            boolean isInt = e.snippet() instanceof VarSnippet v && List.of("int", "short", "byte").contains(v.typeName());
            if (!isInt) {
                throw fail(origin.file() + ":" + origin.line() + ": error: /exit takes an int expression, not " + arg
                        + (e.snippet() instanceof VarSnippet v ? " (of type " + v.typeName() + ")" : ""));
            }
            throw new Stop(Integer.parseInt(e.value()));
        }
        throw fail(origin.file() + ":" + origin.line() + ": error: /exit takes an int expression, not " + arg);
    }

    private void open(String arg, Origin origin, Path dir) {
        String file = unquote(arg);
        if (file.isEmpty()) {
            throw fail(origin.file() + ":" + origin.line() + ": error: /open needs a file name (or DEFAULT, PRINTING, JAVASE)");
        }
        switch (file) {
            case "DEFAULT" -> runSource(DEFAULT_STARTUP, "DEFAULT", null);
            case "PRINTING" -> runSource(PRINTING_STARTUP, "PRINTING", null);
            case "JAVASE" -> runSource("import module java.se;\n", "JAVASE", null);
            default -> {
                Path p = Path.of(file);
                String name = file;
                if (!Files.isRegularFile(p) && !p.isAbsolute() && dir != null && Files.isRegularFile(dir.resolve(p))) {
                    p = dir.resolve(p);
                    name = p.toString();
                }
                if (!Files.isRegularFile(p)) {
                    throw fail(origin.file() + ":" + origin.line() + ": error: /open " + file + ": no such file (looked in "
                            + Path.of("").toAbsolutePath() + (dir == null ? "" : " and " + dir) + ")");
                }
                runFile(p, name);
            }
        }
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    /** The snippets {@code arg} names by name or id (all active ones when it is empty). */
    private <S extends Snippet> List<S> selected(Stream<S> snippets, String arg, Origin origin) {
        List<S> active = snippets.filter(s -> shell.status(s).isActive()).toList();
        if (arg.isEmpty()) {
            return active;
        }
        List<S> chosen = new ArrayList<>();
        for (String want : arg.split("\\s+")) {
            Predicate<S> named = s -> s.id().equals(want) || s instanceof DeclarationSnippet d && d.name().equals(want);
            List<S> hits = active.stream().filter(named).toList();
            if (hits.isEmpty()) {
                throw fail(origin.file() + ":" + origin.line() + ": error: no such snippet: " + want);
            }
            chosen.addAll(hits);
        }
        return chosen;
    }

    private void vars(List<VarSnippet> vars) {
        for (VarSnippet v : vars) {
            String value = shell.status(v) == Snippet.Status.VALID ? truncate(shell.varValue(v)) : "(not-active)";
            listed(v.typeName() + " " + v.name() + " = " + value);
        }
    }

    private void methods(List<MethodSnippet> methods) {
        for (MethodSnippet m : methods) {
            String sig = m.signature();
            String returns = sig.substring(sig.lastIndexOf(')') + 1);
            listed(returns + " " + m.name() + "(" + m.parameterTypes() + ")");
        }
    }

    private void types(List<TypeDeclSnippet> types) {
        for (TypeDeclSnippet t : types) {
            listed(typeKind(t) + " " + t.name());
        }
    }

    private void list(List<Snippet> snippets) {
        out.println();
        for (Snippet s : snippets) {
            String src = s.source().strip();
            out.printf(Locale.ROOT, "%4s : %s%n", s.id(), src.replace("\n", "\n       "));
        }
    }

    private void set(String arg, Origin origin) {
        String[] words = arg.split("\\s+");
        Feedback f = words.length == 2 && words[0].equals("feedback") ? Feedback.parse(words[1]) : null;
        if (f == null) {
            throw fail(origin.file() + ":" + origin.line() + ": error: scripts support only /set feedback concise|normal|silent, not /set "
                    + arg);
        }
        feedback = f;
    }

    private void help() {
        out.print("""
                |  Commands in scripts (a unique prefix is enough):
                |    /exit [int expression]    end the script with that exit status (default 0)
                |    /open <file>              run a script file (relative to the working directory, else to this script's);
                |                              or DEFAULT, PRINTING, JAVASE: JShell's built-in startups
                |    /vars, /methods, /types   list the active declarations (optionally only those named or with these ids)
                |    /imports                  list the active imports
                |    /list                     list the snippets of the scripts (not the startup's)
                |    /set feedback <mode>      concise: echo values of expressions; normal: also declarations; silent: nothing
                |    /help                     this text
                """);
    }

    /** A line of a listing, indented as {@code jshell} does ({@code |    } unless silent). */
    private void listed(String line) {
        out.println((feedback == Feedback.SILENT ? "  " : "|    ") + line);
    }

    private Stop fail(String message) {
        out.flush();
        err.println(message);
        err.flush();
        return new Stop(1);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }

    @Override
    public void close() {
        shell.close();
    }
}

package org.spillway.frame.hudi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Hudi table's {@code .hoodie/hoodie.properties} and the instants of its active timeline, read from the
 * timeline's file names: in table versions up to 6 (Hudi 0.x, timeline layout 0 and 1) the files
 * {@code <instant>.<action>} (completed), {@code <instant>.<action>.requested} and
 * {@code <instant>.<action>.inflight} (a commit's inflight file is {@code <instant>.inflight}) directly in
 * {@code .hoodie/}; in table version 8 (Hudi 1.x, layout 2) the same under {@code .hoodie/timeline/}, a
 * completed instant named {@code <requestedTime>_<completionTime>.<action>}.
 */
final class HudiTimeline {
    /** The actions whose completed instants change the table's rows. */
    static final Set<String> DATA_ACTIONS = Set.of("commit", "deltacommit", "replacecommit");
    /** The actions that write base or log files (requested and inflight forms included). */
    static final Set<String> WRITE_ACTIONS = Set.of("commit", "deltacommit", "replacecommit", "compaction", "logcompaction",
            "clustering");

    private static final Pattern COMPLETED_V2 = Pattern.compile("(\\d+)_(\\d+)\\.([a-z]+)");
    private static final Pattern COMPLETED_V1 = Pattern.compile("(\\d+)\\.([a-z]+)");
    private static final Pattern PENDING = Pattern.compile("(\\d+)\\.([a-z]+)\\.(requested|inflight)");

    /** The state of an instant. */
    enum State { REQUESTED, INFLIGHT, COMPLETED }

    /**
     * One instant of the timeline: its requested time (the instant time Hudi writes into
     * {@code _hoodie_commit_time} and base file names), its completion time (layout 2 only, else null),
     * action, state and timeline file.
     */
    record Instant(String requestedTime, String completionTime, String action, State state, Path file) {
        boolean isCompletedDataCommit() {
            return state == State.COMPLETED && DATA_ACTIONS.contains(action);
        }
    }

    final Path table;
    final Path metaDir;
    final Path timelineDir;
    final Properties props;
    final int tableVersion;
    final int layoutVersion;
    final String tableType;
    /** Every instant of the active timeline, by requested time (then completed before pending). */
    final List<Instant> instants;

    private HudiTimeline(Path table, Properties props, int tableVersion, int layoutVersion, String tableType, Path timelineDir,
                         List<Instant> instants) {
        this.table = table;
        this.metaDir = table.resolve(".hoodie");
        this.props = props;
        this.tableVersion = tableVersion;
        this.layoutVersion = layoutVersion;
        this.tableType = tableType;
        this.timelineDir = timelineDir;
        this.instants = instants;
    }

    /** True if {@code table} has a {@code .hoodie/hoodie.properties}. */
    static boolean isTable(Path table) {
        return Files.isRegularFile(table.resolve(".hoodie").resolve("hoodie.properties"));
    }

    /** Reads the properties and the timeline; refuses table types and versions Spillway does not read. */
    static HudiTimeline load(Path table) {
        Path meta = table.resolve(".hoodie");
        Path propsFile = meta.resolve("hoodie.properties");
        if (!Files.isDirectory(table)) {
            throw new HudiException("No Hudi table at " + table + ": the directory does not exist");
        }
        if (!Files.isRegularFile(propsFile)) {
            throw new HudiException("No Hudi table at " + table + ": " + propsFile + " does not exist"
                    + (Files.isDirectory(meta) ? "" : " (there is no .hoodie directory)"));
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(propsFile)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new HudiException("Hudi table " + table + ": cannot read " + propsFile + ": " + e.getMessage(), e);
        }
        int version = intProperty(props, "hoodie.table.version", 0, table, propsFile);
        String type = props.getProperty("hoodie.table.type", "COPY_ON_WRITE").trim().toUpperCase(java.util.Locale.ROOT);
        if (!type.equals("COPY_ON_WRITE") && !type.equals("MERGE_ON_READ")) {
            throw new HudiException("Hudi table " + table + ": unsupported table type '" + type + "' in " + propsFile
                    + " (Spillway reads COPY_ON_WRITE and MERGE_ON_READ)");
        }
        int layout = intProperty(props, "hoodie.timeline.layout.version", version >= 8 ? 2 : 1, table, propsFile);
        boolean known = version >= 1 && version <= 6 && layout <= 1 || version == 8 && layout == 2;
        if (!known) {
            throw new HudiException("Hudi table " + table + ": unsupported table version " + version + " (timeline layout " + layout
                    + ") in " + propsFile + "; Spillway reads table versions 1 to 6 (Hudi 0.x) and 8 (Hudi 1.x)");
        }
        String format = props.getProperty("hoodie.table.base.file.format", "PARQUET").trim();
        if (!format.equalsIgnoreCase("PARQUET")) {
            throw new HudiException("Hudi table " + table + ": base file format " + format + " (" + propsFile
                    + ") is not supported; Spillway reads Parquet base files");
        }
        Path timelineDir = layout == 2 ? meta.resolve(props.getProperty("hoodie.timeline.path", "timeline").trim()) : meta;
        return new HudiTimeline(table, props, version, layout, type, timelineDir, listInstants(table, timelineDir, layout == 2));
    }

    private static int intProperty(Properties props, String key, int dflt, Path table, Path file) {
        String v = props.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new HudiException("Hudi table " + table + ": " + key + "=" + v + " in " + file + " is not a number", e);
        }
    }

    private static List<Instant> listInstants(Path table, Path dir, boolean layout2) {
        List<Instant> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(f)) {
                    continue;
                }
                Matcher m = PENDING.matcher(name);
                if (m.matches()) {
                    out.add(new Instant(m.group(1), null, m.group(2), m.group(3).equals("requested") ? State.REQUESTED : State.INFLIGHT, f));
                    continue;
                }
                m = (layout2 ? COMPLETED_V2 : COMPLETED_V1).matcher(name);
                if (m.matches()) {
                    String action = m.group(layout2 ? 3 : 2);
                    if (action.equals("inflight")) {
                        out.add(new Instant(m.group(1), null, "commit", State.INFLIGHT, f)); // <instant>.inflight: a commit's
                    } else if (!action.equals("requested")) {
                        out.add(new Instant(m.group(1), layout2 ? m.group(2) : null, action, State.COMPLETED, f));
                    }
                } else if (layout2 && (m = COMPLETED_V1.matcher(name)).matches() && m.group(2).equals("inflight")) {
                    out.add(new Instant(m.group(1), null, "commit", State.INFLIGHT, f));
                }
            }
        } catch (IOException e) {
            throw new HudiException("Hudi table " + table + ": cannot list the timeline " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Instant::requestedTime).thenComparing(Instant::state, Comparator.reverseOrder()));
        return out;
    }

    /** The completed instants that change rows (commit, deltacommit, replacecommit), oldest first. */
    List<Instant> dataCommits() {
        return instants.stream().filter(Instant::isCompletedDataCommit).toList();
    }

    /** The completed instant of {@code requestedTime} whose action writes files, or null. */
    Instant completedWrite(String requestedTime) {
        for (Instant i : instants) {
            if (i.state() == State.COMPLETED && i.requestedTime().equals(requestedTime) && DATA_ACTIONS.contains(i.action())) {
                return i;
            }
        }
        return null;
    }

    /**
     * The requested time of the first instant of the active timeline that writes files (any state), or
     * null: files of instants before it belong to archived (hence completed) commits, as Hudi assumes.
     */
    String firstActiveWrite() {
        for (Instant i : instants) {
            if (WRITE_ACTIONS.contains(i.action())) {
                return i.requestedTime();
            }
        }
        return null;
    }

    /** True if files written at {@code instant} are committed: a completed write, or older than the active timeline. */
    boolean isCommitted(String instant) {
        if (completedWrite(instant) != null) {
            return true;
        }
        String first = firstActiveWrite();
        return first != null && instant.compareTo(first) < 0;
    }

    /** A table property, or null. */
    String property(String key) {
        String v = props.getProperty(key);
        return v == null ? null : v.trim();
    }
}

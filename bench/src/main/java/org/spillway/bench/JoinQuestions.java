package org.spillway.bench;

import static org.spillway.frame.Functions.asc;
import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.on;
import static org.spillway.frame.Functions.sum;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.spillway.frame.DataFrame;
import org.spillway.frame.JoinType;
import org.spillway.frame.Row;
import org.spillway.spill.vector.ColumnVector;

/**
 * The five db-benchmark join questions, plus a full sort of {@code x}, each as Spillway code and as
 * the SQL DuckDB runs (on tables {@code x}, {@code small}, {@code medium} and {@code big} from
 * {@link org.spillway.datasets.JoinData}), with a checksum computed the same way on both sides.
 *
 * <p>Join checksums follow db-benchmark: the row count, the sum of {@code v1} (x's measure) and the
 * sum of {@code v2} (the right table's), nulls skipped. The sort's checksum is the row count and the
 * first and last {@value #SORT_EDGE} {@code (id4, v1)} pairs in the result's order; on the Spillway side
 * every chunk of the collected result is also checked to be in order and to not overlap the others.
 */
public final class JoinQuestions {
    /** How many rows at each end of the sorted result the sort checksum compares. */
    public static final int SORT_EDGE = 5;

    /** Relative tolerance for comparing floating-point sums (their order of addition differs). */
    public static final double TOLERANCE = 1e-9;

    private JoinQuestions() {
    }

    /** The four loaded tables a question reads, in one Spillway session. */
    public record Tables(DataFrame x, DataFrame small, DataFrame medium, DataFrame big) {
        /** Checks that no table is missing. */
        public Tables {
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(small, "small");
            Objects.requireNonNull(medium, "medium");
            Objects.requireNonNull(big, "big");
        }
    }

    /** One question. */
    public static final class Question {
        private final int number;
        private final String name;
        private final Function<Tables, DataFrame> spillway;
        private final String sql;
        private final boolean sort;

        Question(int number, String name, Function<Tables, DataFrame> spillway, String sql, boolean sort) {
            this.number = number;
            this.name = name;
            this.spillway = spillway;
            this.sql = sql;
            this.sort = sort;
        }

        /** 1 to 5 for the joins, 6 for the sort. */
        public int number() {
            return number;
        }

        /** A short label, e.g. {@code q1 x inner small on id1}. */
        public String name() {
            return name;
        }

        /** The question in Spillway's API, given the tables (lazy: collect it to run it). */
        public Function<Tables, DataFrame> spillway() {
            return spillway;
        }

        /** The question as a SQL query over the tables {@code x}, {@code small}, {@code medium}, {@code big}. */
        public String sql() {
            return sql;
        }

        /** True for the sort, whose checksum is about order rather than sums. */
        public boolean isSort() {
            return sort;
        }

        /**
         * The checksum of this question's collected Spillway result {@code r} (the frame returned by
         * {@link #spillway()}, collected).
         */
        public Checksum spillwayChecksum(DataFrame r) {
            return sort ? sortChecksum(r) : joinChecksum(r);
        }

        /**
         * The checksum of this question's DuckDB result, stored in the table {@code ans}.
         *
         * @throws SQLException if DuckDB fails
         */
        public Checksum duckdbChecksum(Statement st) throws SQLException {
            return sort ? duckSortChecksum(st) : duckJoinChecksum(st);
        }
    }

    /**
     * A result's checksum: the row count and either the sums of {@code v1} and {@code v2} (joins) or
     * the first and last {@code (id4, v1)} pairs (the sort, where the sums are 0).
     *
     * @param rows    the row count
     * @param sumV1   the sum of v1 (0 when all null)
     * @param sumV2   the sum of v2 (0 when all null)
     * @param first   the first pairs in order, as {@code id4/v1} strings (sort only; else empty)
     * @param last    the last pairs in order (sort only; else empty)
     * @param problem a description of what is wrong with the result itself (e.g. a chunk out of
     *                order), or null
     */
    public record Checksum(long rows, double sumV1, double sumV2, List<String> first, List<String> last, String problem) {
        /** Copies the lists. */
        public Checksum {
            first = List.copyOf(first);
            last = List.copyOf(last);
        }

        /**
         * True if both describe the same result: equal row counts and pairs, sums within a relative
         * {@link #TOLERANCE}, and no {@link #problem()} on either side.
         */
        public boolean agrees(Checksum o) {
            return problem == null && o.problem == null && rows == o.rows && close(sumV1, o.sumV1) && close(sumV2, o.sumV2)
                    && first.equals(o.first) && last.equals(o.last);
        }

        static boolean close(double a, double b) {
            if (a == b) {
                return true;
            }
            return Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
        }

        /** A short form for the table: {@code rows; sum v1; sum v2}, or {@code rows; first pair .. last pair}. */
        @Override
        public String toString() {
            String s;
            if (first.isEmpty() && last.isEmpty()) {
                s = String.format(Locale.ROOT, "%d; %.10g; %.10g", rows, sumV1, sumV2);
            } else {
                s = String.format(Locale.ROOT, "%d; %s .. %s", rows, first.isEmpty() ? "-" : first.getFirst(),
                        last.isEmpty() ? "-" : last.getLast());
            }
            return problem == null ? s : s + " (" + problem + ")";
        }
    }

    /** The five join questions, in db-benchmark order, then the sort of x by (id4, v1). */
    public static final List<Question> ALL = List.of(
            new Question(1, "q1 x inner small on id1",
                    t -> t.x().join(t.small(), on("id1"), JoinType.INNER),
                    "SELECT x.*, small.id4 AS small_id4, v2 FROM x JOIN small USING (id1)", false),
            new Question(2, "q2 x inner medium on id2",
                    t -> t.x().join(t.medium(), on("id2"), JoinType.INNER),
                    "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 "
                            + "FROM x JOIN medium USING (id2)", false),
            new Question(3, "q3 x left medium on id2",
                    t -> t.x().join(t.medium(), on("id2"), JoinType.LEFT),
                    "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 "
                            + "FROM x LEFT JOIN medium USING (id2)", false),
            new Question(4, "q4 x inner medium on id5",
                    t -> t.x().join(t.medium(), on("id5"), JoinType.INNER),
                    "SELECT x.*, medium.id1 AS medium_id1, medium.id2 AS medium_id2, medium.id4 AS medium_id4, v2 "
                            + "FROM x JOIN medium USING (id5)", false),
            new Question(5, "q5 x inner big on id3",
                    t -> t.x().join(t.big(), on("id3"), JoinType.INNER),
                    "SELECT x.*, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4, big.id5 AS big_id5, "
                            + "big.id6 AS big_id6, v2 FROM x JOIN big USING (id3)", false),
            new Question(6, "sort x by id4, v1",
                    t -> t.x().sort(asc("id4"), asc("v1")),
                    "SELECT * FROM x ORDER BY id4, v1", true));

    // ---------------------------------------------------------------- Spillway checksums

    private static Checksum joinChecksum(DataFrame r) {
        Row row = r.agg(count().as("n"), sum("v1").as("v1"), sum("v2").as("v2")).head(1).getFirst();
        return new Checksum(row.getLong("n"), orZero(row.get("v1")), orZero(row.get("v2")), List.of(), List.of(), null);
    }

    private static double orZero(Object sum) {
        return sum == null ? 0 : ((Number) sum).doubleValue();
    }

    /** The (id4, v1) pair of a row, compared as DuckDB's ORDER BY id4, v1 does (nulls last). */
    private record Pair(String id4, Double v1) implements Comparable<Pair> {
        private static final Comparator<Pair> ORDER = Comparator
                .comparing(Pair::id4, Comparator.nullsLast(Comparator.<String>naturalOrder()))
                .thenComparing(Pair::v1, Comparator.nullsLast(Comparator.<Double>naturalOrder()));

        @Override
        public int compareTo(Pair o) {
            return ORDER.compare(this, o);
        }

        @Override
        public String toString() {
            return id4 + "/" + v1;
        }
    }

    /** What the sort checksum keeps of one chunk: its first pair and its last few pairs. */
    private record ChunkEdge(Pair first, List<Pair> tail, int rows) {
    }

    private static final class SortFold {
        final List<ChunkEdge> chunks = new ArrayList<>();
        String problem;
    }

    private static Checksum sortChecksum(DataFrame r) {
        int i4 = r.schema().indexOf("id4");
        int iv = r.schema().indexOf("v1");
        SortFold all = r.reduceChunks(SortFold::new, (acc, chunk) -> {
            int n = chunk.rows();
            if (n == 0) {
                return;
            }
            ColumnVector a = chunk.column(i4);
            ColumnVector b = chunk.column(iv);
            Pair prev = null;
            Pair first = null;
            List<Pair> tail = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Pair p = new Pair((String) a.getObject(i), (Double) b.getObject(i));
                if (prev == null) {
                    first = p;
                } else if (prev.compareTo(p) > 0 && acc.problem == null) {
                    acc.problem = "chunk out of order: " + prev + " before " + p;
                }
                if (i >= n - SORT_EDGE) {
                    tail.add(p);
                }
                prev = p;
            }
            acc.chunks.add(new ChunkEdge(first, tail, n));
        }, (x, y) -> {
            x.chunks.addAll(y.chunks);
            x.problem = x.problem != null ? x.problem : y.problem;
            return x;
        });
        // Every chunk is in order; placed by their first pairs, they must not overlap (then the whole is sorted).
        List<ChunkEdge> chunks = new ArrayList<>(all.chunks);
        chunks.sort(Comparator.comparing(ChunkEdge::first));
        String problem = all.problem;
        long rows = 0;
        for (int c = 0; c < chunks.size(); c++) {
            rows += chunks.get(c).rows();
            if (c > 0 && problem == null && chunks.get(c - 1).tail().getLast().compareTo(chunks.get(c).first()) > 0) {
                problem = "chunks overlap: " + chunks.get(c - 1).tail().getLast() + " > " + chunks.get(c).first();
            }
        }
        List<String> last = new ArrayList<>();
        for (int c = chunks.size() - 1; c >= 0 && last.size() < SORT_EDGE; c--) {
            List<Pair> tail = chunks.get(c).tail();
            for (int i = tail.size() - 1; i >= 0 && last.size() < SORT_EDGE; i--) {
                last.addFirst(tail.get(i).toString());
            }
        }
        // The first rows in the frame's own order (head follows the collected chunks' order).
        List<String> first = new ArrayList<>();
        for (Row row : r.select("id4", "v1").head(SORT_EDGE)) {
            first.add(new Pair((String) row.get("id4"), (Double) row.get("v1")).toString());
        }
        return new Checksum(rows, 0, 0, first, last, problem);
    }

    // ---------------------------------------------------------------- DuckDB checksums

    private static Checksum duckJoinChecksum(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*), sum(v1)::DOUBLE, sum(v2)::DOUBLE FROM ans")) {
            rs.next();
            return new Checksum(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), List.of(), List.of(), null);
        }
    }

    private static Checksum duckSortChecksum(Statement st) throws SQLException {
        long rows;
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ans")) {
            rs.next();
            rows = rs.getLong(1);
        }
        // ans was created from an ORDER BY; DuckDB keeps insertion order (preserve_insertion_order)
        List<String> first = duckPairs(st, "SELECT id4, v1 FROM ans LIMIT " + SORT_EDGE);
        List<String> last = duckPairs(st, "SELECT id4, v1 FROM ans LIMIT " + SORT_EDGE + " OFFSET " + Math.max(0, rows - SORT_EDGE));
        return new Checksum(rows, 0, 0, first, last, null);
    }

    private static List<String> duckPairs(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String id4 = rs.getString(1);
                double v = rs.getDouble(2);
                out.add(new Pair(id4, rs.wasNull() ? null : v).toString());
            }
        }
        return out;
    }
}

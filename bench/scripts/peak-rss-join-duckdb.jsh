// Peak RSS of the five db-benchmark join questions and the sort, DuckDB (JDBC, in this JVM) alone in this process; the
// JVM's own footprint (about 50 MiB) is included. Run as bench/scripts/peak-rss-join-spillway.jsh, with the same properties:
//   SPILLWAY_JAVA_OPTS="-Drss.dir=/path/to/DIR -Drss.n=1e7 -Drss.memory=256m" ./spillway shell bench/scripts/peak-rss-join-duckdb.jsh
// The tables are views over read_csv (with the column types the Spillway run uses), so each question reads the CSVs;
// the answer goes into a table ans under memory_limit; the peak RSS is reset before each question. -Drss.format=parquet
// makes them views over read_parquet of `./spillway gen join --format parquet`'s files instead (CSV is the default).
// -Drss.questions=1,6 picks some, in that order (6 is the sort).
import org.spillway.bench.JoinQuestions;
import org.spillway.bench.SideBySide;
import org.spillway.datasets.JoinData;
import org.spillway.spill.memory.ProcessMemory;
var dir = java.nio.file.Path.of(System.getProperty("rss.dir"));
var data = JoinData.of((long) Double.parseDouble(System.getProperty("rss.n", "1e7")));
var format = System.getProperty("rss.format", "csv");
if (!format.equals("csv") && !format.equals("parquet")) {
    throw new IllegalArgumentException("rss.format is csv or parquet, not " + format);
}
var c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
var st = c.createStatement();
st.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
st.execute("SET memory_limit = '" + System.getProperty("rss.memory", "256m") + "'");
st.execute("SET temp_directory = '" + System.getProperty("java.io.tmpdir") + "/duckdb-rss-tmp'");
for (var t : JoinData.Table.values()) {
    st.execute("CREATE VIEW " + t.label() + " AS SELECT * FROM " + (format.equals("parquet")
            ? "read_parquet('" + dir.resolve(data.tableName(t) + ".parquet") + "')"
            : "read_csv('" + dir.resolve(data.tableName(t) + ".csv") + "', header = true, columns = " + SideBySide.duckColumns(t) + ")"));
}
var only = Arrays.stream(System.getProperty("rss.questions", "1,2,3,4,5,6").split(",")).map(String::trim).toList();
for (var n : only) { // in the order given; 6 is the sort
    var q = JoinQuestions.ALL.get(Integer.parseInt(n) - 1);
    ProcessMemory.resetPeakRss();
    long t0 = System.nanoTime();
    String outcome;
    try (var qs = c.createStatement()) { // a failed statement is closed by DuckDB
        qs.execute("CREATE OR REPLACE TABLE ans AS " + q.sql());
        var rs = qs.executeQuery("SELECT count(*) FROM ans");
        rs.next();
        outcome = String.format(Locale.ROOT, "%,12d rows", rs.getLong(1));
    } catch (java.sql.SQLException e) {
        outcome = "failed: " + e.getMessage().lines().findFirst().orElse("");
    }
    System.out.printf(Locale.ROOT, "%-28s %8.2f s %s  peak RSS %5d MiB%n", q.name(), (System.nanoTime() - t0) / 1e9, outcome,
            ProcessMemory.peakRss() >> 20);
    st.execute("DROP TABLE IF EXISTS ans");
}
c.close();

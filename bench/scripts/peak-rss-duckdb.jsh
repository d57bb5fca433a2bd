// Peak RSS of each db-benchmark groupby question, DuckDB (JDBC, in this JVM) alone in this process; the JVM's own
// footprint (about 50 MiB) is included. Run as bench/scripts/peak-rss-spillway.jsh, with the same properties:
//   SPILLWAY_JAVA_OPTS="-Drss.data=/path/G1_1e7_1e2_0_0.csv -Drss.memory=256m" ./spillway shell bench/scripts/peak-rss-duckdb.jsh
// Each question reads the file (read_csv, or read_parquet for a .parquet file) into a table ans under memory_limit;
// the peak RSS is reset before each; -Drss.questions=1,3 picks some, in that order.
import org.spillway.bench.GroupByQuestions;
import org.spillway.spill.memory.ProcessMemory;
var file = System.getProperty("rss.data");
var c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
var st = c.createStatement();
st.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
st.execute("SET memory_limit = '" + System.getProperty("rss.memory", System.getProperty("spillway.memory", "256m")) + "'");
st.execute("SET temp_directory = '" + System.getProperty("java.io.tmpdir") + "/duckdb-rss-tmp'");
st.execute("CREATE VIEW x AS SELECT * FROM " + (file.endsWith(".parquet") ? "read_parquet" : "read_csv") + "('" + file + "')");
var only = Arrays.stream(System.getProperty("rss.questions", "1,2,3,4,5,6,7,8,9,10").split(",")).map(String::trim).toList();
for (var n : only) { // in the order given
    var q = GroupByQuestions.ALL.get(Integer.parseInt(n) - 1);
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
    System.out.printf(Locale.ROOT, "%-32s %8.2f s %s  peak RSS %5d MiB%n", q.name(), (System.nanoTime() - t0) / 1e9, outcome,
            ProcessMemory.peakRss() >> 20);
    st.execute("DROP TABLE IF EXISTS ans");
}
c.close();

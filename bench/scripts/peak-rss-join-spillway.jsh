// Peak RSS of the five db-benchmark join questions and the sort (bench/README.md, "Peak RSS"), Spillway alone in
// this process. The tables are the CSVs of `./spillway gen join --n 1e7 --out DIR`, read lazily by every question:
//   SPILLWAY_JAVA_OPTS="-Drss.dir=/path/to/DIR -Drss.n=1e7 -Drss.memory=256m" ./spillway shell bench/scripts/peak-rss-join-spillway.jsh
// -Drss.format=parquet reads the Parquet files of `./spillway gen join --format parquet` instead (same names, .parquet);
// CSV is the default. -Drss.questions=1,6 picks some, in that order (6 is the sort). The process's peak RSS (VmHWM) is
// reset before each question; the session's memory report (budget peak, chunks spilled so far) follows each answer.
import org.spillway.bench.BenchData;
import org.spillway.bench.JoinQuestions;
import org.spillway.datasets.JoinData;
import org.spillway.spill.memory.ProcessMemory;
var dir = java.nio.file.Path.of(System.getProperty("rss.dir"));
var data = JoinData.of((long) Double.parseDouble(System.getProperty("rss.n", "1e7")));
var format = System.getProperty("rss.format", "csv");
if (!format.equals("csv") && !format.equals("parquet")) {
    throw new IllegalArgumentException("rss.format is csv or parquet, not " + format);
}
var sw = Spillway.builder().memoryLimit(System.getProperty("rss.memory", "256m")).progress(false).build();
System.out.println(sw + "\n" + sw.memory());
DataFrame table(JoinData.Table t) {
    return format.equals("parquet") ? sw.readParquet(dir.resolve(data.tableName(t) + ".parquet"))
            : sw.readCsv(dir.resolve(data.tableName(t) + ".csv"), BenchData.csvOptions(t.columnTypes()));
}
var only = Arrays.stream(System.getProperty("rss.questions", "1,2,3,4,5,6").split(",")).map(String::trim).toList();
for (var n : only) { // in the order given; 6 is the sort
    var q = JoinQuestions.ALL.get(Integer.parseInt(n) - 1);
    ProcessMemory.resetPeakRss();
    long t0 = System.nanoTime();
    var tables = new JoinQuestions.Tables(table(JoinData.Table.X), table(JoinData.Table.SMALL), table(JoinData.Table.MEDIUM),
            table(JoinData.Table.BIG));
    var r = q.spillway().apply(tables).collect();
    System.out.printf(Locale.ROOT, "%-28s %8.2f s %,12d rows  peak RSS %5d MiB%n  %s%n", q.name(), (System.nanoTime() - t0) / 1e9,
            r.count(), ProcessMemory.peakRss() >> 20, sw.memoryReport());
    r.unpersist();
}
System.out.println(sw.memory());
sw.close();

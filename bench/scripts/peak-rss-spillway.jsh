// Peak RSS of each db-benchmark groupby question, Spillway alone in this process (bench/README.md, "Peak RSS").
// Run through the launcher, e.g. with its defaults and a limit set in code:
//   SPILLWAY_JAVA_OPTS="-Drss.data=/path/G1_1e7_1e2_0_0.csv -Drss.memory=256m" ./spillway shell bench/scripts/peak-rss-spillway.jsh
// or, for the 1e9 table as Parquet under 4 GB with the launcher's heap rule for that limit (-Drss.questions=1,2,4 picks some, in that order):
//   SPILLWAY_MEMORY=4g SPILLWAY_JAVA_OPTS="-Drss.data=/path/G1_1e9_1e2_0_0.parquet" ./spillway shell bench/scripts/peak-rss-spillway.jsh
// Each question reads the file (CSV or Parquet, by its extension) lazily and collects its answer; the process's peak RSS
// (VmHWM) is reset before each; the session's memory report (budget peak, bytes spilled so far) follows each answer.
import org.spillway.bench.GroupByQuestions;
import org.spillway.spill.memory.ProcessMemory;
var file = System.getProperty("rss.data");
var memory = System.getProperty("rss.memory", System.getProperty("spillway.memory", "256m"));
var sw = Spillway.builder().memoryLimit(memory).progress(false).build();
var parquet = file.endsWith(".parquet");
var only = Arrays.stream(System.getProperty("rss.questions", "1,2,3,4,5,6,7,8,9,10").split(",")).map(String::trim).toList();
System.out.println(sw + "\n" + sw.memory());
for (var n : only) { // in the order given
    var q = GroupByQuestions.ALL.get(Integer.parseInt(n) - 1);
    ProcessMemory.resetPeakRss();
    long t0 = System.nanoTime();
    var r = q.spillway().apply(parquet ? sw.readParquet(file) : sw.readCsv(file)).collect();
    System.out.printf(Locale.ROOT, "%-32s %8.2f s %,12d rows  peak RSS %5d MiB%n  %s%n", q.name(), (System.nanoTime() - t0) / 1e9,
            r.count(), ProcessMemory.peakRss() >> 20, sw.memoryReport());
    r.unpersist();
}
System.out.println(sw.memory());
sw.close();

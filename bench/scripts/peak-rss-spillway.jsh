// Peak RSS of each db-benchmark groupby question, Spillway alone in this process (bench/README.md, "Peak RSS").
// Run through the launcher, e.g. with its defaults and a limit set in code:
//   SPILLWAY_JAVA_OPTS="-Drss.data=/path/G1_1e7_1e2_0_0.csv -Drss.memory=256m" ./spillway shell bench/scripts/peak-rss-spillway.jsh
// Each question reads the CSV lazily and collects its answer; the process's peak RSS (VmHWM) is reset before each.
import org.spillway.bench.GroupByQuestions;
import org.spillway.spill.memory.ProcessMemory;
var file = System.getProperty("rss.data");
var sw = Spillway.builder().memoryLimit(System.getProperty("rss.memory", "256m")).progress(false).build();
System.out.println(sw + "\n" + sw.memory());
for (var q : GroupByQuestions.ALL) {
    ProcessMemory.resetPeakRss();
    long t0 = System.nanoTime();
    var r = q.spillway().apply(sw.readCsv(file)).collect();
    System.out.printf(Locale.ROOT, "%-32s %8.2f s %,12d rows  peak RSS %5d MiB%n", q.name(), (System.nanoTime() - t0) / 1e9, r.count(),
            ProcessMemory.peakRss() >> 20);
    r.unpersist();
}
System.out.println(sw.memory());
sw.close();

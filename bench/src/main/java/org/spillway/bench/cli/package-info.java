/**
 * The {@code ./spillway} command line. The shell script at the repository root rebuilds the project when
 * a {@code pom.xml} or main source is newer than {@code bench/target/classpath.txt}, then starts a JVM
 * with native access enabled (plus {@code SPILLWAY_JAVA_OPTS}) on one of the entry points here:
 *
 * <pre>
 *  ./spillway shell              --&gt; jshell with spillway-startup.jsh (classes and imports)
 *  ./spillway shell [--feedback concise|normal|silent] script.jsh ...
 *                                --&gt; ScriptRunner: JShell commands (/exit N, /open, /vars, ...), values echoed,
 *                                    stops at the first failing snippet naming file and line, exit status 1
 *  ./spillway demo | gen | bench | help --&gt; Main
 *     demo   [--rows N] [--memory SIZE] [--keep DIR] [--train-rows N]               --&gt; Demo
 *     gen    events | groupby | join | classification | multiclass | regression | flights --&gt; Gen
 *     bench  ingest | groupby | join | ml   (Spillway beside DuckDB, or ML passes)  --&gt; org.spillway.bench
 *     bench  jmh [REGEX] [JMH options]     (handed to JMH as they are)
 * </pre>
 *
 * <ul>
 *   <li>{@code demo} writes an events data set (default 5,000,000 rows, 4 CSV files) with a 64m memory
 *       limit, scans it with a progress bar, collects it so it must spill, queries the collected frame
 *       (statistics skipping, a group by, a join with a lookup table), trains a logistic regression on
 *       flight data about three times the limit, prints timings and spill figures, and deletes its
 *       temporary directory unless {@code --keep DIR} names where to work and keep everything.</li>
 *   <li>{@code gen} writes CSV from the generators of the datasets module; the labelled sets write
 *       {@code train.csv}, {@code test.csv} and the true model's {@code true-model.csv}
 *       ({@code ./spillway gen --help} lists every option).</li>
 *   <li>{@code bench groupby} and {@code bench join} run the db-benchmark questions (a subset with
 *       {@code --questions 1,2,..}); {@code bench join} generates its four tables into {@code --data}
 *       (default: the temp directory's {@code spillway-bench}) when missing.</li>
 * </ul>
 *
 * <p>Options are {@code --name value} or {@code --name=value}; counts accept {@code 4000000},
 * {@code 4_000_000} or {@code 4e6}, sizes {@code 512m} or {@code 2GiB}. An option a subcommand does not
 * take, or a bare word, stops the run before any work with a one-line message naming the options it
 * does take (exit status 2), so that a typo does not silently change a long benchmark.
 */
package org.spillway.bench.cli;

// The README's quick start, run by CI with ./spillway shell examples/quickstart.jsh.
// It writes a small CSV, queries it lazily, and checks its own answers.
var dir = Files.createTempDirectory("spillway-quickstart");
var csv = dir.resolve("people.csv");
Files.writeString(csv, """
    name,age,city,score
    Ada,36,London,91.5
    Grace,45,Arlington,88.0
    Linus,28,Helsinki,
    "Hopper, G.",85,"New York",79.25
    Alan,41,Wilmslow,95.0
    """);

var sw = Spillway.builder().memoryLimit("256m").spillDir(dir.resolve("spill")).build();
var people = sw.readCsv(csv.toString());
System.out.println(people.schema());

var q = people.filter(col("age").gt(30).and(col("score").isNotNull()))
              .withColumn("grade", when(col("score").geq(90), "A").otherwise("B"))
              .select(col("name"), col("city").upper().as("city"), col("grade"), col("score").divide(100).as("frac"));
q.explain();
q.show();

if (q.count() != 4) throw new AssertionError("expected 4 rows, got " + q.count());
if (!q.filter(col("grade").eq("A")).column("name").equals(List.of("Ada", "Alan"))) throw new AssertionError("grade A rows");
// group by: one row per grade (order unspecified), checked
var byGrade = q.groupBy("grade").agg(count().as("n"), mean("frac").as("avg"), max("name").as("last_name"));
byGrade.show();
var a = byGrade.filter(col("grade").eq("A")).rows().get(0);
if (a.getLong("n") != 2 || Math.abs(a.getDouble("avg") - 0.9325) > 1e-12 || !a.getString("last_name").equals("Alan")) throw new AssertionError("group A: " + a);
if (people.groupBy("city").topK(1, desc("age")).count() != 5) throw new AssertionError("topK");
// sort (nulls last, ties by name), top-k, union
if (!people.sort(desc("score"), asc("name")).column("name").equals(List.of("Alan", "Ada", "Grace", "Hopper, G.", "Linus"))) throw new AssertionError("sort");
if (!people.sort(desc("age")).limit(2).column("name").equals(List.of("Hopper, G.", "Grace"))) throw new AssertionError("top-k");
if (people.union(people.filter(col("age").lt(30))).count() != 6) throw new AssertionError("union");
var teams = sw.createDataFrame(Schema.of(new Field("name", DataType.STRING), new Field("team", DataType.STRING)),
        List.of(new Object[] {"Ada", "A"}, new Object[] {"Linus", "B"}, new Object[] {"Nobody", "C"}));
if (!people.join(teams, "name").sort("name").column("team").equals(List.of("A", "B"))) throw new AssertionError("inner join");
if (people.join(teams, on("name"), JoinType.ANTI).count() != 3) throw new AssertionError("anti join");
if (people.join(teams, on("name"), JoinType.FULL).count() != 6) throw new AssertionError("full join");

q.writeCsv(dir.resolve("out.csv").toString());
if (sw.readCsv(dir.resolve("out.csv").toString()).count() != 4) throw new AssertionError("round trip");
sw.close();
try (var walk = Files.walk(dir)) { walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
if (Files.exists(dir)) throw new AssertionError("temporary directory left behind: " + dir);
System.out.println("quickstart OK");

package org.spillway.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The layering of Spillway's modules and of frame's packages, over the main classes of every module
 * (bench's test class path sees them all). A violation fails the build; there is no baseline.
 */
@AnalyzeClasses(packages = "org.spillway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String SPILL = "org.spillway.spill..";
    private static final String PARALLEL = "org.spillway.parallel..";
    private static final String DATASETS = "org.spillway.datasets..";
    private static final String FRAME = "org.spillway.frame..";
    private static final String ML = "org.spillway.ml..";
    private static final String BENCH = "org.spillway.bench..";

    @ArchTest
    static final ArchRule spillDependsOnNoOtherModule = noClasses()
            .that().resideInAPackage(SPILL)
            .should().dependOnClassesThat().resideInAnyPackage(PARALLEL, FRAME, ML, DATASETS, BENCH)
            .because("spill is the storage layer at the bottom: chunks, vectors, files and memory budgets");

    @ArchTest
    static final ArchRule parallelDependsOnNoOtherModule = noClasses()
            .that().resideInAPackage(PARALLEL)
            .should().dependOnClassesThat().resideInAnyPackage(SPILL, FRAME, ML, DATASETS, BENCH)
            .because("parallel is a generic task toolkit and never sees a Chunk");

    @ArchTest
    static final ArchRule datasetsDependsOnlyOnSpill = noClasses()
            .that().resideInAPackage(DATASETS)
            .should().dependOnClassesThat().resideInAnyPackage(PARALLEL, FRAME, ML, BENCH)
            .because("datasets generates test and benchmark data as spill chunks and files only");

    @ArchTest
    static final ArchRule frameDependsOnNeitherMlNorDatasetsNorBench = noClasses()
            .that().resideInAPackage(FRAME)
            .should().dependOnClassesThat().resideInAnyPackage(ML, DATASETS, BENCH)
            .because("ml and bench are built on frame, and datasets is only frame's test data");

    @ArchTest
    static final ArchRule mlUsesFrameOnlyThroughItsPublicApi = noClasses()
            .that().resideInAPackage(ML)
            .should().dependOnClassesThat().resideInAnyPackage(BENCH, DATASETS,
                    "org.spillway.frame.exec..", "org.spillway.frame.plan..")
            .because("ml is a client of frame's public API (frame, frame.io, frame.print and the frame.udf extension"
                    + " point); frame's exec and plan packages are internal");

    /**
     * The root packages {@code org.spillway.frame} and {@code org.spillway.ml} hold the names users import, and so two
     * layers each, which cannot move to other packages without renaming the public API. The cycle check treats each
     * as two slices. In frame, the facade that drives the engine (the session, frames; listed here) sits on top of
     * frame's other packages, and the rest (expressions, exceptions, enums: the vocabulary the engine shares with
     * user code) sits below them. In ml, the learners, transformers and model IO sit on top of {@code ml.linear},
     * and the contracts listed here (what {@code ml.linear} builds on) sit below it. Every other package is one
     * slice. A class joins a list only with a reason that fits its layer.
     */
    static final Set<String> FRAME_FACADE = Set.of(
            "org.spillway.frame.Spillway", "org.spillway.frame.DataFrame", "org.spillway.frame.GroupedData",
            "org.spillway.frame.Split", "org.spillway.frame.ParquetWriteInput",
            // frames' helpers that build frames: df.na(), groupBy(...).pivot(...), df.unpivot(...)
            "org.spillway.frame.NaFunctions", "org.spillway.frame.PivotedData", "org.spillway.frame.Unpivot");

    /** The ml root classes that {@code ml.linear} may use. */
    static final Set<String> ML_CONTRACTS = Set.of(
            "org.spillway.ml.Model", "org.spillway.ml.Estimator", "org.spillway.ml.Transformer",
            "org.spillway.ml.PipelineStage", "org.spillway.ml.RowTransformer", "org.spillway.ml.FeatureLayout",
            "org.spillway.ml.FeatureMeta", "org.spillway.ml.MlException", "org.spillway.ml.ModelIO",
            // the hook the linear learners report each iteration to during a hyperparameter search
            "org.spillway.ml.TrialReporter",
            // the compiled row path of RowTransformer (RowTransformer.compile), which the linear models implement
            "org.spillway.ml.RowLayout", "org.spillway.ml.RowKernel");

    private static final SliceAssignment PACKAGES_WITH_LAYERED_ROOTS = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String pkg = c.getPackageName();
            if (!pkg.startsWith("org.spillway.")) {
                return SliceIdentifier.ignore();
            }
            String name = c.getName();
            String topLevel = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
            return switch (pkg) {
                case "org.spillway.frame" -> SliceIdentifier.of(FRAME_FACADE.contains(topLevel) ? "frame (facade)" : "frame");
                // tables are facade too: DeltaTable, IcebergTable and HudiTable drive frames (toDF, history);
                // DataFrame.writeDelta drives the table writer
                case "org.spillway.frame.delta", "org.spillway.frame.iceberg", "org.spillway.frame.hudi" -> SliceIdentifier.of("frame (facade)");
                case "org.spillway.ml" -> SliceIdentifier.of(
                        ML_CONTRACTS.contains(topLevel) || ML_CONTRACTS.contains(name) ? "ml (contracts)" : "ml");
                default -> SliceIdentifier.of(pkg);
            };
        }

        @Override
        public String getDescription() {
            return "packages (the root API packages frame and ml in two layers each)";
        }
    };

    @ArchTest
    static final ArchRule noPackageCycles = slices()
            .assignedFrom(PACKAGES_WITH_LAYERED_ROOTS)
            .should().beFreeOfCycles()
            .because("packages form layers: a cycle makes two packages one that cannot be understood alone");

    @ArchTest
    static final ArchRule operatorsDoNotCallBackIntoTheExecutor = noClasses()
            .that().resideInAnyPackage(
                    "org.spillway.frame.exec.aggregate..", "org.spillway.frame.exec.join..",
                    "org.spillway.frame.exec.sort..", "org.spillway.frame.exec.scan..",
                    "org.spillway.frame.exec.pipeline..", "org.spillway.frame.exec.hash..",
                    "org.spillway.frame.exec.eval..")
            .should().dependOnClassesThat().resideInAPackage("org.spillway.frame.exec")
            .because("operators are driven by the executor in org.spillway.frame.exec and never call back into it");

    @ArchTest
    static final ArchRule planDoesNotDependOnExec = noClasses()
            .that().resideInAPackage("org.spillway.frame.plan..")
            .should().dependOnClassesThat().resideInAPackage("org.spillway.frame.exec..")
            .because("the logical plan describes what to compute; exec decides how");

    @ArchTest
    static final ArchRule execDoesNotOptimize = noClasses()
            .that().resideInAPackage("org.spillway.frame.exec..")
            .should().dependOnClassesThat(isOrIsNestedIn("org.spillway.frame.plan.Optimizer"))
            .because("the DataFrame hands the executor an already optimized plan");

    @ArchTest
    static final ArchRule topLevelClassNamesAreUnique = classes()
            .that().areTopLevelClasses().and().doNotHaveSimpleName("package-info")
            .should(haveASimpleNameNoOtherTopLevelClassHas())
            .because("two classes of one name make imports, stack traces and reviews ambiguous");

    private static DescribedPredicate<JavaClass> isOrIsNestedIn(String className) {
        return DescribedPredicate.describe("are " + className + " or nested in it",
                c -> c.getName().equals(className) || c.getName().startsWith(className + "$"));
    }

    private static ArchCondition<JavaClass> haveASimpleNameNoOtherTopLevelClassHas() {
        return new ArchCondition<>("have a simple name no other top-level class has") {
            private Map<String, List<String>> bySimpleName = Map.of();

            @Override
            public void init(Collection<JavaClass> all) {
                bySimpleName = all.stream().collect(Collectors.groupingBy(JavaClass::getSimpleName,
                        Collectors.mapping(JavaClass::getName, Collectors.toList())));
            }

            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<String> same = bySimpleName.getOrDefault(c.getSimpleName(), List.of());
                if (same.size() > 1) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " shares its simple name with "
                            + same.stream().filter(n -> !n.equals(c.getName())).sorted().toList()));
                }
            }
        };
    }
}

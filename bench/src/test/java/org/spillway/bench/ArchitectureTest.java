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
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
                    "org.spillway.frame.exec..", "org.spillway.frame.plan..", "org.spillway.frame.expr..")
            .because("ml is a client of frame's public API (frame, frame.io, frame.print and extension points);"
                    + " frame's exec, plan and expr packages are internal");

    @ArchTest
    static final ArchRule noPackageCycles = slices()
            .matching("org.spillway.(**)")
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

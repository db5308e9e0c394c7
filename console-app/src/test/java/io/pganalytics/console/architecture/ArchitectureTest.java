package io.pganalytics.console.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps STYLE.md's boundaries honest across every module's main classes. It lives in the console, the last module of
 * the reactor, whose test class path holds the common, server, collector, analytics and tools jars (the server's and
 * the tools' only as test dependencies, so no module depends on one built after it).
 */
class ArchitectureTest {
    private static JavaClasses all;

    @BeforeAll
    static void importEveryModule() {
        all = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pganalytics");
        for (String module : new String[]{"io.pganalytics.common.", "io.pganalytics.server.", "io.pganalytics.collector.", "io.pganalytics.console.",
                "io.pganalytics.analytics.", "io.pganalytics.tools."}) {
            assertTrue(all.stream().anyMatch(c -> c.getName().startsWith(module)), "no classes of " + module + " were imported");
        }
    }

    @Test
    void javaFxStaysInTheConsole() {
        noClasses().that().resideOutsideOfPackage("io.pganalytics.console..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "eu.hansolo..")
                .check(all);
    }

    @Test
    void helidonEbeanAndHazelcastStayInTheServer() {
        noClasses().that().resideOutsideOfPackage("io.pganalytics.server..")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "io.ebean..", "com.hazelcast..", "io.zonky..")
                .check(all);
    }

    @Test
    void commonDependsOnJacksonOnly() {
        // javax.crypto and javax.security.auth are the JDK's own (the sealed-value format and the PKCS#11 login in
        // common.crypto): still no third-party library
        classes().that().resideInAPackage("io.pganalytics.common..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.pganalytics.common..", "java..", "javax.crypto..", "javax.security.auth..",
                        "com.fasterxml.jackson..")
                .check(all);
    }

    @Test
    void theAnomalyDetectorsArePlainJavaSoTheServerAndTheBenchRunTheSameClasses() {
        classes().that().resideInAPackage("io.pganalytics.analytics..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.pganalytics.analytics..", "java..",
                        "org.apache.commons.math3..", "com.fasterxml.jackson..")
                .check(all);
    }

    @Test
    void noProductModuleDependsOnTheTools() {
        noClasses().that().resideOutsideOfPackage("io.pganalytics.tools..")
                .should().dependOnClassesThat().resideInAPackage("io.pganalytics.tools..")
                .because("the demo, the benchmarks and the load generator run beside the product: the collector installed"
                        + " on database hosts, the server and the console must not need them")
                .check(all);
    }

    @Test
    void onlyEntryPointsWriteToTheConsoleStreams() {
        noClasses().that().doNotHaveSimpleName("Main").and().doNotHaveSimpleName("Launcher")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .because("output goes through SLF4J, or through a PrintStream that an entry point passes down")
                .check(all);
    }

    @Test
    void packagesAreByFeatureNotByLayer() {
        noClasses().should().resideInAnyPackage("..controller..", "..controllers..", "..service..", "..services..",
                        "..repository..", "..repositories..", "..dao..", "..impl..")
                .check(all);
    }

    @Test
    void repositoriesAreUsedOnlyInsideTheirFeature() {
        classes().that().haveSimpleNameEndingWith("Repository")
                .should(onlyBeAccessedFromTheirOwnFeature())
                .allowEmptyShould(true)
                .check(all);
    }

    @Test
    void entitiesNeverLeaveTheirFeature() {
        classes().that().areAnnotatedWith("jakarta.persistence.Entity")
                .should(onlyBeAccessedFromTheirOwnFeature())
                .allowEmptyShould(true)
                .check(all);
    }

    @Test
    void routesDoNotReachPastTheirService() {
        noClasses().that().haveSimpleNameEndingWith("Routes")
                .should().dependOnClassesThat(DescribedPredicate.describe("repositories or entities",
                        (JavaClass c) -> c.getSimpleName().endsWith("Repository") || c.isAnnotatedWith("jakarta.persistence.Entity")))
                .check(all);
    }

    @Test
    void viewModelsHaveNoSceneGraph() {
        noClasses().that().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..")
                .check(all);
    }

    @Test
    void viewsDoNoInputOrOutput() {
        noClasses().that().resideInAPackage("io.pganalytics.console..").and().haveSimpleNameEndingWith("View")
                .should().dependOnClassesThat().resideInAnyPackage("java.net.http..", "java.nio.file..", "java.net..")
                .because("a View builds nodes and binds them; IO happens in a Service, off the FX thread")
                .check(all);
    }

    @Test
    void viewsDoNotCallServices() {
        noClasses().that().resideInAPackage("io.pganalytics.console..").and().haveSimpleNameEndingWith("View")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Service")
                .orShould().dependOnClassesThat().resideInAPackage("io.pganalytics.console.api..")
                .because("a View talks to its ViewModel only; the ViewModel calls the Service")
                .check(all);
    }

    @Test
    void theConsoleTalksToServersOverHttpOnly() {
        noClasses().that().resideInAPackage("io.pganalytics.console..")
                .should().dependOnClassesThat().resideInAnyPackage("io.pganalytics.server..", "io.pganalytics.collector..",
                        "java.sql..", "org.postgresql..")
                .check(all);
    }

    @Test
    void onlyTheApiPackageSpeaksHttp() {
        noClasses().that().resideInAPackage("io.pganalytics.console..").and().resideOutsideOfPackage("io.pganalytics.console.api..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net.http..", "javax.net.ssl..")
                .check(all);
    }

    /** Accessed only from the same package or its generated {@code .query} sub-package (Ebean query beans). */
    private static ArchCondition<JavaClass> onlyBeAccessedFromTheirOwnFeature() {
        return new ArchCondition<>("only be accessed from their own feature package") {
            @Override
            public void check(JavaClass target, ConditionEvents events) {
                String feature = target.getPackageName();
                for (JavaAccess<?> access : target.getAccessesToSelf()) {
                    String origin = access.getOriginOwner().getPackageName();
                    if (!origin.equals(feature) && !origin.equals(feature + ".query")) {
                        events.add(SimpleConditionEvent.violated(access, access.getDescription()));
                    }
                }
            }
        };
    }
}

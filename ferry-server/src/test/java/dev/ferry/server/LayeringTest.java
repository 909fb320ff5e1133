package dev.ferry.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Controllers stay thin so a dashboard can reuse the services: only services touch the database and the engine. */
class LayeringTest {
    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ferry.server");

    @Test
    void controllersUseServicesNotTheDatabaseOrTheEngine() {
        noClasses().that().resideInAPackage("..server.api..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.springframework.jdbc.core.simple.JdbcClient")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.ferry.core.Engine")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.ferry.core.StateStore")
                .check(CLASSES);
    }

    @Test
    void servicesDoNotKnowTheWebLayer() {
        noClasses().that().resideInAPackage("..server.service..")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Controller")
                .orShould().dependOnClassesThat().resideInAPackage("jakarta.servlet..")
                .check(CLASSES);
    }
}

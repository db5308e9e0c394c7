package io.pganalytics.server.http;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openapitools.codegen.ClientOptInput;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document as the standard tools read it: swagger-parser must accept it without a single message, every
 * schema must be well-formed OpenAPI 3.0 (a {@code nullable} needs a {@code type}), and openapi-generator must make a
 * Java client of it that compiles. {@link ApiContractTest} holds the same document to the routes.
 */
@Tag("fault-and-attack")
class OpenApiDocumentTest {

    private static String document() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(OpenApiRoutes.RESOURCE)) {
            assertNotNull(in, OpenApiRoutes.RESOURCE + " is on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SwaggerParseResult parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(false);
        return new OpenAPIParser().readContents(document(), null, options);
    }

    @Test
    void theStandardParserReadsTheDocumentWithoutAnyMessage() {
        SwaggerParseResult result = parse();
        assertNotNull(result.getOpenAPI(), "swagger-parser read no document: " + result.getMessages());
        assertEquals(List.of(), result.getMessages(), "swagger-parser's validation messages");
        assertTrue(result.getOpenAPI().getOpenapi().startsWith("3.0."), "an OpenAPI 3.0 document");
    }

    @Test
    void everyNullableSchemaHasAType() {
        OpenAPI api = parse().getOpenAPI();
        List<String> problems = new ArrayList<>();
        Map<Schema<?>, Boolean> seen = new IdentityHashMap<>();
        api.getComponents().getSchemas().forEach((name, schema) -> walk("#/components/schemas/" + name, schema, problems, seen));
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String where = method + " " + path;
            if (operation.getParameters() != null) {
                operation.getParameters().forEach(p -> walk(where + " parameter " + p.getName(), p.getSchema(), problems, seen));
            }
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().forEach((type, media) -> walk(where + " body", media.getSchema(), problems, seen));
            }
            if (operation.getResponses() != null) {
                operation.getResponses().forEach((code, response) -> {
                    if (response.getContent() != null) {
                        response.getContent().forEach((type, media) -> walk(where + " " + code, media.getSchema(), problems, seen));
                    }
                });
            }
        }));
        assertEquals(List.of(), problems, "schemas that are not valid OpenAPI 3.0");
    }

    private static void walk(String where, Schema<?> schema, List<String> problems, Map<Schema<?>, Boolean> seen) {
        if (schema == null || seen.put(schema, Boolean.TRUE) != null) {
            return;
        }
        // OpenAPI 3.0.3: "nullable: true" only has an effect beside a "type" (not beside $ref or allOf alone).
        if (Boolean.TRUE.equals(schema.getNullable()) && schema.getType() == null) {
            problems.add(where + ": nullable without a type");
        }
        if (schema.getProperties() != null) {
            schema.getProperties().forEach((name, property) -> walk(where + "." + name, property, problems, seen));
        }
        walk(where + "[]", schema.getItems(), problems, seen);
        if (schema.getAdditionalProperties() instanceof Schema<?> values) {
            walk(where + "{}", values, problems, seen);
        }
        Stream.of(schema.getAllOf(), schema.getOneOf(), schema.getAnyOf())
                .filter(list -> list != null)
                .forEach(list -> list.forEach(part -> walk(where + "|", part, problems, seen)));
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aJavaClientGeneratedFromTheDocumentCompiles(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("openapi.yaml");
        Files.writeString(spec, document());
        Path out = dir.resolve("client");
        CodegenConfigurator configurator = new CodegenConfigurator()
                .setInputSpec(spec.toString())
                .setGeneratorName("java")
                .setLibrary("native")
                .setOutputDir(out.toString())
                .setValidateSpec(true)
                .setApiPackage("example.pganalytics.api")
                .setModelPackage("example.pganalytics.model")
                .setInvokerPackage("example.pganalytics.client")
                .addAdditionalProperty("openApiNullable", false)
                .addAdditionalProperty("annotationLibrary", "none")
                .addAdditionalProperty("useJakartaEe", true)
                .addAdditionalProperty("hideGenerationTimestamp", true);
        configurator.addGlobalProperty("skipFormModel", "false");
        ClientOptInput input = configurator.toClientOptInput();
        List<File> files = new DefaultGenerator().opts(input).generate();
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(out.resolve("src/main/java"))) {
            sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertFalse(files.isEmpty(), "the generator wrote files");
        assertTrue(sources.stream().filter(p -> p.getFileName().toString().endsWith("Api.java")).anyMatch(p -> contains(p, "listInstances(")),
                "an API class with the operation listInstances: " + sources.stream().map(Path::getFileName).toList());

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        try (StandardJavaFileManager manager = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                    "-proc:none", "-nowarn", "--release", "21");
            boolean compiled = compiler.getTask(null, manager, diagnostics, options, null,
                    manager.getJavaFileObjectsFromPaths(sources)).call();
            List<String> errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> (d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": ")
                            + d.getMessage(null))
                    .limit(20)
                    .toList();
            assertTrue(compiled && errors.isEmpty(), "the generated client does not compile: " + errors);
        }
    }
}

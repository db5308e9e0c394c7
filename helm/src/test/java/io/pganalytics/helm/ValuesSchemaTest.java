package io.pganalytics.helm;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * values.yaml and every value combination of the matrix are valid against values.schema.json (checked here with an
 * independent validator, and by Helm itself at install); a misspelt or out-of-range value is refused by both.
 */
class ValuesSchemaTest {
    static final List<Cases.Case> CASES = Cases.ALL;
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(Chart.read(Chart.DIR.resolve("values.schema.json")), InputFormat.JSON);

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void valuesAreValidAgainstTheSchema(Cases.Case c) {
        assertEquals(List.of(), messages(Chart.merged(Chart.defaults(), c.values())), c::toString);
    }

    @Test
    void aMisspeltValueIsRefusedByTheSchemaAndByHelm() {
        Map<String, Object> values = Chart.merged(Chart.defaults(), Chart.values("server.replicas", 3));
        List<String> messages = messages(values);
        assertFalse(messages.isEmpty());
        assertTrue(messages.toString().contains("replicas"), messages.toString());
        IllegalStateException helm = assertThrows(IllegalStateException.class, () -> Chart.template(Chart.values("server.replicas", 3)));
        assertTrue(helm.getMessage().contains("replicas"), helm.getMessage());
    }

    @Test
    void anUnknownServiceTypeIsRefused() {
        List<String> messages = messages(Chart.merged(Chart.defaults(), Chart.values("service.type", "Ingress")));
        assertTrue(messages.toString().contains("service.type") || messages.toString().contains("/service/type"), messages.toString());
    }

    private static List<String> messages(Map<String, Object> values) {
        List<Error> errors = SCHEMA.validate(Chart.dump(values), InputFormat.YAML);
        return errors.stream().map(Error::toString).toList();
    }
}

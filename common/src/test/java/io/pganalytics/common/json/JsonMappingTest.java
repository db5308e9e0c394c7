package io.pganalytics.common.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.pganalytics.common.api.ApiError;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonMappingTest {
    private final ObjectMapper mapper = JsonMapping.newMapper();

    @Test
    void errorEnvelopeUsesLowerCaseTypesAndRoundTrips() throws Exception {
        String json = mapper.writeValueAsString(ApiError.of(ErrorType.RATE_LIMITED, "slow down"));
        assertTrue(json.contains("\"errorType\":\"rate_limited\""), json);
        assertTrue(json.contains("\"status\":429"), json);
        assertEquals(ApiError.of(ErrorType.RATE_LIMITED, "slow down"), mapper.readValue(json, ApiError.class));
    }

    @Test
    void unknownPropertiesAreRejected() {
        assertThrows(UnrecognizedPropertyException.class,
                () -> mapper.readValue("{\"username\":\"a\",\"password\":\"b\",\"admin\":true}", LoginRequest.class));
    }

    @Test
    void scalarsAreNotCoercedBetweenTypes() {
        assertThrows(Exception.class, () -> mapper.readValue("{\"status\":\"500\",\"errorType\":\"internal\",\"message\":\"m\",\"details\":[]}", ApiError.class));
    }

    @Test
    void numbersAndBooleansAreNotTakenForStrings() {
        assertThrows(Exception.class, () -> mapper.readValue("{\"username\":123,\"password\":\"p\"}", LoginRequest.class));
        assertThrows(Exception.class, () -> mapper.readValue("{\"username\":\"a\",\"password\":1.5}", LoginRequest.class));
        assertThrows(Exception.class, () -> mapper.readValue("{\"username\":true,\"password\":\"p\"}", LoginRequest.class));
    }

    @Test
    void unknownRoleIsRejectedWithItsName() {
        Exception e = assertThrows(ValueInstantiationException.class, () -> mapper.readValue("\"root\"", Role.class));
        assertTrue(e.getMessage().contains("unknown role 'root'"), e.getMessage());
    }

    @Test
    void instantsAreIsoStrings() throws Exception {
        MetricBatch batch = new MetricBatch(MetricBatch.SCHEMA_VERSION, "b-1", "3.5.0", Instant.parse("2026-01-02T03:04:05Z"),
                List.of(new Snapshot(new TargetRef("7312", "db1", "localhost", 5432), "database",
                        Instant.parse("2026-01-02T03:04:00Z"), 60.0, List.of("datname", "xact_commit"),
                        List.of(Arrays.asList("app", 120L)))));
        String json = mapper.writeValueAsString(batch);
        assertTrue(json.contains("\"createdAt\":\"2026-01-02T03:04:05Z\""), json);
        MetricBatch back = mapper.readValue(json, MetricBatch.class);
        assertEquals(batch.batchId(), back.batchId());
        assertEquals("app", back.snapshots().getFirst().rows().getFirst().getFirst());
    }

    @Test
    void secretsNeverAppearInToString() {
        assertTrue(!new LoginRequest("alice", "s3cret").toString().contains("s3cret"));
    }

    @Test
    void rolesGrantAlongTheirHierarchy() {
        assertTrue(Role.ADMIN.grants(Role.AUDITOR));
        assertTrue(Role.OPERATOR.grants(Role.VIEWER));
        assertTrue(!Role.OPERATOR.grants(Role.ADMIN));
        assertTrue(!Role.VIEWER.grants(Role.OPERATOR));
        assertTrue(Role.AUDITOR.grants(Role.VIEWER));
        assertTrue(!Role.AUDITOR.grants(Role.OPERATOR));
    }
}

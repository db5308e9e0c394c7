package io.pganalytics.server.auth.provider;

import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.server.http.ApiException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderSettingsTest {
    private static ProviderSettings read(Map<String, Object> settings) {
        return read(settings, Map.of());
    }

    private static ProviderSettings read(Map<String, Object> settings, Map<String, String> secrets) {
        return ProviderSettings.of(new ProviderDefinition("corp", "ldap", null, true, settings, secrets, RoleMapping.refuseAll()));
    }

    private static List<ErrorDetail> problems(ProviderSettings in) {
        ApiException e = assertThrows(ApiException.class, in::done);
        assertEquals(ErrorType.VALIDATION_FAILED, e.type());
        return e.details();
    }

    private static ErrorDetail onlyProblem(ProviderSettings in) {
        List<ErrorDetail> problems = problems(in);
        assertEquals(1, problems.size(), problems::toString);
        return problems.getFirst();
    }

    @Test
    void textIsStrippedAndBlankOrAbsentGivesTheFallback() {
        ProviderSettings in = read(Map.of("a", "  x  ", "blank", "   ", "number", 42));
        assertEquals("x", in.text("a"));
        assertNull(in.text("blank"));
        assertEquals("d", in.text("blank", "d"));
        assertEquals("d", in.text("absent", "d"));
        assertEquals("42", in.text("number"));
        in.done();
    }

    @Test
    void textThatIsNotTextOrTooLongIsNamed() {
        ProviderSettings in = read(Map.of("map", Map.of("k", "v")));
        assertEquals("d", in.text("map", "d"));
        assertEquals(new ErrorDetail("settings.map", "must be text"), onlyProblem(in));
        ProviderSettings longText = read(Map.of("pem", "x".repeat(ProviderSettings.MAX_TEXT + 1)));
        assertNull(longText.text("pem"));
        assertEquals(new ErrorDetail("settings.pem", "is longer than 16384 characters"), onlyProblem(longText));
    }

    @Test
    void requiredNamesAnAbsentOrBlankSetting() {
        ProviderSettings in = read(Map.of("issuer", "https://idp.example", "blank", " "));
        assertEquals("https://idp.example", in.required("issuer"));
        assertNull(in.required("clientId"));
        assertNull(in.required("blank"));
        assertEquals(List.of(new ErrorDetail("settings.clientId", "is required"), new ErrorDetail("settings.blank", "is required")),
                problems(in));
    }

    @Test
    void boolAcceptsBooleansAndTheFilesText() {
        ProviderSettings in = read(Map.of("yes", true, "fromFile", "TRUE", "no", "false", "maybe", "yes"));
        assertTrue(in.bool("yes", false));
        assertTrue(in.bool("fromFile", false));
        assertFalse(in.bool("no", true));
        assertTrue(in.bool("absent", true));
        assertFalse(in.bool("maybe", false));
        assertEquals(new ErrorDetail("settings.maybe", "must be true or false"), onlyProblem(in));
    }

    @Test
    void integerAcceptsNumbersAndTheFilesTextWithinItsBounds() {
        ProviderSettings in = read(Map.of("port", 389, "fromFile", " 636 ", "big", 70L, "half", 1.5, "word", "many"));
        assertEquals(389, in.integer("port", 0, 1, 65535));
        assertEquals(636, in.integer("fromFile", 0, 1, 65535));
        assertEquals(7, in.integer("absent", 7, 1, 10));
        assertEquals(4, in.integer("big", 4, 1, 64));
        assertEquals(4, in.integer("half", 4, 1, 64));
        assertEquals(4, in.integer("word", 4, 1, 64));
        assertEquals(List.of(new ErrorDetail("settings.big", "must be between 1 and 64, not 70"),
                new ErrorDetail("settings.half", "must be a whole number"),
                new ErrorDetail("settings.word", "must be a whole number")), problems(in));
    }

    @Test
    void durationAcceptsSecondsAndUnitsWithinItsBounds() {
        Duration max = Duration.ofMinutes(5);
        ProviderSettings in = read(Map.of("seconds", 90, "secondsText", "90", "withUnit", "90s", "minutes", "2m",
                "millis", "500ms", "blank", ""));
        assertEquals(Duration.ofSeconds(90), in.duration("seconds", Duration.ZERO, Duration.ZERO, max));
        assertEquals(Duration.ofSeconds(90), in.duration("secondsText", Duration.ZERO, Duration.ZERO, max));
        assertEquals(Duration.ofSeconds(90), in.duration("withUnit", Duration.ZERO, Duration.ZERO, max));
        assertEquals(Duration.ofMinutes(2), in.duration("minutes", Duration.ZERO, Duration.ZERO, max));
        assertEquals(Duration.ofMillis(500), in.duration("millis", Duration.ZERO, Duration.ZERO, max));
        assertEquals(Duration.ofSeconds(60), in.duration("blank", Duration.ofSeconds(60), Duration.ZERO, max));
        assertEquals(Duration.ofSeconds(60), in.duration("absent", Duration.ofSeconds(60), Duration.ZERO, max));
        in.done();
    }

    @Test
    void durationOutOfBoundsOrNotADurationIsNamed() {
        ProviderSettings in = read(Map.of("skew", "10m", "timeout", "50ms", "soon", "-5", "word", "later"));
        Duration fallback = Duration.ofSeconds(1);
        assertEquals(fallback, in.duration("skew", fallback, Duration.ZERO, Duration.ofMinutes(5)));
        assertEquals(fallback, in.duration("timeout", fallback, Duration.ofMillis(100), Duration.ofMinutes(2)));
        assertEquals(fallback, in.duration("soon", fallback, Duration.ZERO, Duration.ofMinutes(5)));
        assertEquals(fallback, in.duration("word", fallback, Duration.ZERO, Duration.ofMinutes(5)));
        List<ErrorDetail> problems = problems(in);
        assertEquals(new ErrorDetail("settings.skew", "is 600 s; at most 300 s is allowed"), problems.get(0));
        assertEquals(new ErrorDetail("settings.timeout", "is 50 ms; from 100 ms to 120 s is allowed"), problems.get(1));
        assertEquals("settings.soon", problems.get(2).field());
        assertTrue(problems.get(2).problem().contains("is not a duration"), problems.get(2).problem());
        assertEquals("settings.word", problems.get(3).field());
        assertTrue(problems.get(3).problem().contains("is not a duration"), problems.get(3).problem());
    }

    @Test
    void listAcceptsAListOrTheFilesCommaSeparatedText() {
        ProviderSettings in = read(Map.of("list", List.of(" openid ", "email"), "fromFile", "openid, profile email",
                "one", "urn:x:mfa", "empty", ""));
        assertEquals(List.of("openid", "email"), in.list("list", List.of()));
        assertEquals(List.of("openid", "profile", "email"), in.list("fromFile", List.of()));
        assertEquals(List.of("urn:x:mfa"), in.list("one", List.of()));
        assertEquals(List.of(), in.list("empty", List.of("d")));
        assertEquals(List.of("d"), in.list("absent", List.of("d")));
        in.done();
    }

    @Test
    void listWithBadEntriesOrTooManyIsNamed() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("blankEntry", List.of("a", " "));
        settings.put("nested", List.of(List.of("a")));
        settings.put("number", 5);
        settings.put("many", java.util.Collections.nCopies(ProviderSettings.MAX_LIST + 1, "a"));
        ProviderSettings in = read(settings);
        for (String key : List.of("blankEntry", "nested", "number", "many")) {
            assertEquals(List.of("d"), in.list(key, List.of("d")), key);
        }
        assertEquals(List.of(new ErrorDetail("settings.blankEntry", "must hold only non-empty text entries"),
                new ErrorDetail("settings.nested", "must hold only non-empty text entries"),
                new ErrorDetail("settings.number", "must be a list or a comma-separated text"),
                new ErrorDetail("settings.many", "has more than 64 entries")), problems(in));
    }

    @Test
    void secretIsGivenAsIsAndBlankMeansAbsent() {
        ProviderSettings in = read(Map.of(), Map.of("bindPassword", " s3cret ", "blank", "  "));
        assertEquals(" s3cret ", in.secret("bindPassword"));
        assertNull(in.secret("blank"));
        assertNull(in.secret("absent"));
        in.done();
    }

    @Test
    void unknownSettingsAndSecretsAreNamedWithWhatIsKnown() {
        ProviderSettings in = read(Map.of("url", "ldaps://x", "colour", "blue"), Map.of("bindPassword", "p", "pin", "1"))
                .refuseUnknown(Set.of("url", "bindDn"), Set.of("bindPassword"));
        assertEquals(List.of(new ErrorDetail("settings.colour", "is not a setting of kind ldap (known: bindDn, url)"),
                new ErrorDetail("secrets.pin", "is not a secret of kind ldap (known: bindPassword)")), problems(in));
    }

    @Test
    void everyProblemIsReportedAtOnceWithASummary() {
        ProviderSettings in = read(Map.of("poolSize", 0, "startTls", "sometimes", "surprise", 1))
                .refuseUnknown(Set.of("poolSize", "startTls", "url"), Set.of());
        in.integer("poolSize", 4, 1, 64);
        in.bool("startTls", false);
        in.required("url");
        in.problem("settings.caFile", "is required for ldaps://");
        ApiException e = assertThrows(ApiException.class, in::done);
        assertEquals(List.of("settings.surprise", "settings.poolSize", "settings.startTls", "settings.url", "settings.caFile"),
                e.details().stream().map(ErrorDetail::field).toList());
        assertEquals("5 fields are invalid", e.getMessage());
    }

    @Test
    void oneProblemIsTheMessage() {
        ProviderSettings in = read(Map.of());
        in.required("issuer");
        assertEquals("settings.issuer: is required", assertThrows(ApiException.class, in::done).getMessage());
    }
}

package io.pganalytics.server.auth;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import org.junit.jupiter.api.function.Executable;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Small helpers shared by the auth tests. */
final class AuthTesting {
    static final String ADMIN_PASSWORD = "bootstrap-admin-password-42";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private AuthTesting() {
    }

    /** The auth node with cheap Argon2 (tests hash a lot) plus the given overrides. */
    static AuthConfig config(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        values.put("password.argon2.memory-kib", "4096");
        values.put("password.argon2.iterations", "1");
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return AuthConfig.from(Config.just(ConfigSources.create(values)));
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    static Caller adminCaller(AuthFeature feature) {
        UserView admin = feature.users().list(0, 500).items().stream()
                .filter(u -> u.username().equals(BootstrapAdmin.USERNAME)).findFirst().orElseThrow();
        return new Caller(Caller.Kind.USER, Long.toString(admin.id()), admin.username(), admin.roles(), "test-session");
    }

    static UserView createUser(AuthFeature feature, String username, String password, Role... roles) {
        return feature.users().create(new CreateUserRequest(username, null, password, Set.of(roles)), adminCaller(feature));
    }

    static ApiException assertApiError(ErrorType expected, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(expected, e.type(), e.getMessage());
        return e;
    }
}

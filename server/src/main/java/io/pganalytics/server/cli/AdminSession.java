package io.pganalytics.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.Arrays;

/**
 * An admin command's session with the API ({@code keys}, {@code anomalies}): signs in (answering an MFA challenge when the server asks), calls the admin
 * API, and proves a second factor again when a change asks for a step-up. Passwords and codes are sent once and
 * never printed.
 */
public final class AdminSession {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int REFUSED = 3;
    public static final int DENIED = 4;
    /** Where a command takes the password from before it prompts. */
    public static final String PASSWORD_ENV = "PGANALYTICS_PASSWORD";

    private static final int ATTEMPTS = 2;

    private final ServerConnection server;
    private final ObjectMapper mapper;
    private final Prompter prompter;
    private final PrintStream err;
    private String token;

    /** The server said no: the message is its own, and the exit code says what kind of no. */
    public static final class Refusal extends Exception {
        private final int exitCode;

        Refusal(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    public AdminSession(ServerConnection server, ObjectMapper mapper, Prompter prompter, PrintStream err) {
        this.server = server;
        this.mapper = mapper;
        this.prompter = prompter;
        this.err = err;
    }

    public void signIn(String user, char[] password) throws IOException, InterruptedException, Refusal {
        ObjectNode login = mapper.createObjectNode().put("username", user).put("password", new String(password));
        Arrays.fill(password, '\0');
        JsonNode answer = expectOk(server.send("POST", "/auth/login", null, mapper.writeValueAsString(login)), "sign-in");
        if (answer.hasNonNull("mfa")) {
            JsonNode challenge = answer.get("mfa");
            if (challenge.path("enrolmentRequired").asBoolean()) {
                throw new Refusal(DENIED, "sign-in: " + user + " must enrol a second factor first (in the console)");
            }
            String method = challenge.path("methods").path(0).asText("totp");
            String code = code("Second-factor code (" + method + "): ");
            ObjectNode verify = mapper.createObjectNode().put("challenge", challenge.get("challenge").asText()).put("method", method)
                    .put("code", code);
            answer = expectOk(server.send("POST", "/auth/mfa/verify", null, mapper.writeValueAsString(verify)), "second factor");
        }
        token = answer.get("accessToken").asText();
    }

    /**
     * Calls the API; on a step-up request, asks for a code, proves it, and repeats the call once. An admin action the
     * server asks to confirm (428) was asked for explicitly on the command line: the server's summary is printed and the
     * call repeated with the confirmation token once.
     */
    public <T> T call(String method, String path, String body, Class<T> type) throws IOException, InterruptedException, Refusal {
        String confirmation = null;
        boolean confirmed = false;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = server.send(method, path, token, body, confirmation);
            if (response.statusCode() == 428 && !confirmed) {
                JsonNode asked = mapper.readTree(response.body()).path("confirmation");
                if (asked.hasNonNull("token")) {
                    err.println("Confirming: " + asked.path("summary").asText());
                    confirmation = asked.get("token").asText();
                    confirmed = true;
                    attempt--;
                    continue;
                }
            }
            if (response.statusCode() == 403 && "step_up_required".equals(errorType(response)) && attempt < ATTEMPTS) {
                err.println("The server asks for a fresh second factor before this change.");
                ObjectNode stepUp = mapper.createObjectNode().put("method", "totp").put("code", code("Second-factor code (totp): "));
                token = expectOk(server.send("POST", "/auth/mfa/step-up", token, mapper.writeValueAsString(stepUp)), "step-up")
                        .get("accessToken").asText();
                continue;
            }
            JsonNode answer = expectOk(response, method + " " + path);
            return type == Void.class || answer == null ? null : mapper.treeToValue(answer, type);
        }
    }

    /** The password of {@code user}: from {@link #PASSWORD_ENV} when set, else asked without echo. */
    public static char[] password(String user, java.util.Map<String, String> environment, Prompter prompter) throws IOException {
        String fromEnvironment = environment.get(PASSWORD_ENV);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        return prompter.secret("Password for " + user + ": ")
                .orElseThrow(() -> new IOException("no console to ask for the password: set " + PASSWORD_ENV));
    }

    private String code(String prompt) throws IOException {
        char[] typed = prompter.secret(prompt).orElseThrow(() -> new IOException("no console to ask for the second-factor code"));
        String code = new String(typed).strip();
        Arrays.fill(typed, '\0');
        return code;
    }

    private JsonNode expectOk(HttpResponse<String> response, String what) throws IOException, Refusal {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response.body().isEmpty() ? null : mapper.readTree(response.body());
        }
        String message = what + ": " + status + " " + message(response);
        if (status == 409) {
            throw new Refusal(REFUSED, message);
        }
        if (status == 401 || status == 403) {
            throw new Refusal(DENIED, message);
        }
        throw new Refusal(FAILED, message);
    }

    private String errorType(HttpResponse<String> response) {
        try {
            return mapper.readTree(response.body()).path("errorType").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private String message(HttpResponse<String> response) {
        try {
            return mapper.readTree(response.body()).path("message").asText(response.body());
        } catch (IOException e) {
            return response.body().length() > 200 ? response.body().substring(0, 200) : response.body();
        }
    }
}

package io.pganalytics.server.auth.mfa;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.auth.MfaHotpRegistration;
import io.pganalytics.common.auth.MfaHotpResyncRequest;
import io.pganalytics.common.auth.MfaStepUpRequest;
import io.pganalytics.common.auth.MfaTotpConfirmRequest;
import io.pganalytics.common.auth.MfaTotpStartRequest;
import io.pganalytics.common.auth.MfaVerifyRequest;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.CallerAuthenticator;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

/**
 * {@code /auth/mfa}: answer a sign-in's challenge, enrol, step up; {@code /admin/users/{id}/mfa}: an admin's reset.
 * Enrolment routes serve two kinds of caller, so they are public and decide here: a body naming a sign-in's challenge
 * (which must require enrolment), or else a signed-in person's Bearer token.
 */
final class MfaRoutes implements ApiService {
    private final MfaService mfa;
    private final CallerAuthenticator users;
    private final JsonBodies bodies;

    MfaRoutes(MfaService mfa, CallerAuthenticator users, JsonBodies bodies) {
        this.mfa = mfa;
        this.users = users;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.post("/auth/mfa/verify", Access.PUBLIC, this::verify)
                .get("/auth/mfa", Access.AUTHENTICATED, this::status)
                .post("/auth/mfa/totp", Access.PUBLIC, this::startTotp)
                .post("/auth/mfa/totp/confirm", Access.PUBLIC, this::confirmTotp)
                .post("/auth/mfa/hotp", Access.PUBLIC, this::registerHotp)
                .post("/auth/mfa/hotp/resync", Access.AUTHENTICATED, this::resyncHotp)
                .post("/auth/mfa/backup-codes", Access.AUTHENTICATED, this::backupCodes)
                .post("/auth/mfa/step-up", Access.AUTHENTICATED, this::stepUp)
                .delete("/admin/users/{id}/mfa", Access.ADMIN, this::reset);
    }

    private void verify(ServerRequest request, ServerResponse response) {
        bodies.ok(response, mfa.verify(bodies.read(request, MfaVerifyRequest.class), RequestParameters.clientAddress(request)));
    }

    private void status(ServerRequest request, ServerResponse response) {
        bodies.ok(response, mfa.status(ApiRules.caller(request)));
    }

    private void startTotp(ServerRequest request, ServerResponse response) {
        MfaTotpStartRequest start = bodies.read(request, MfaTotpStartRequest.class);
        bodies.ok(response, mfa.startTotp(subject(request, start.challenge())));
    }

    private void confirmTotp(ServerRequest request, ServerResponse response) {
        MfaTotpConfirmRequest confirm = bodies.read(request, MfaTotpConfirmRequest.class);
        bodies.ok(response, mfa.confirmTotp(subject(request, confirm.challenge()), confirm, RequestParameters.clientAddress(request)));
    }

    private void registerHotp(ServerRequest request, ServerResponse response) {
        MfaHotpRegistration registration = bodies.read(request, MfaHotpRegistration.class);
        bodies.ok(response, mfa.registerHotp(subject(request, registration.challenge()), registration,
                RequestParameters.clientAddress(request)));
    }

    private void resyncHotp(ServerRequest request, ServerResponse response) {
        bodies.ok(response, mfa.resyncHotp(ApiRules.caller(request), bodies.read(request, MfaHotpResyncRequest.class),
                RequestParameters.clientAddress(request)));
    }

    private void backupCodes(ServerRequest request, ServerResponse response) {
        bodies.ok(response, mfa.regenerateBackupCodes(ApiRules.caller(request)));
    }

    private void stepUp(ServerRequest request, ServerResponse response) {
        bodies.ok(response, mfa.stepUp(ApiRules.caller(request), bodies.read(request, MfaStepUpRequest.class),
                RequestParameters.clientAddress(request)));
    }

    private void reset(ServerRequest request, ServerResponse response) {
        String text = request.path().pathParameters().get("id");
        if (text == null || !text.matches("\\d{1,18}")) {
            throw ApiException.notFound("no user with id '" + RequestParameters.abbreviate(text) + "'");
        }
        mfa.reset(Long.parseLong(text), ApiRules.caller(request), io.pganalytics.server.audit.RequestActor.of(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private MfaService.Subject subject(ServerRequest request, String challenge) {
        if (challenge != null) {
            return mfa.duringSignIn(challenge, RequestParameters.clientAddress(request));
        }
        return mfa.signedIn(users.authenticate(request).orElseThrow(() -> ApiException.unauthenticated(
                "sign in first (Authorization: Bearer <access token>), or name the sign-in's MFA challenge")));
    }
}

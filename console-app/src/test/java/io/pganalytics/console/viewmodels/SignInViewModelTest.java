package io.pganalytics.console.viewmodels;

import io.pganalytics.common.auth.MfaChallenge;
import io.pganalytics.common.auth.Role;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.admin.ProvidersViewModel;
import io.pganalytics.console.admin.StepUpPrompt;
import io.pganalytics.console.admin.UsersViewModel;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.console.api.SignIn;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.login.LoginService;
import io.pganalytics.console.login.LoginViewModel;
import io.pganalytics.console.mfa.EnrolmentViewModel;
import io.pganalytics.console.mfa.MfaMethod;
import io.pganalytics.console.mfa.MfaPromptViewModel;
import io.pganalytics.console.mfa.MfaService;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sign-in, MFA and administration view-models in plain JUnit, IO on the calling thread against a fake client. */
class SignInViewModelTest {
    private static final ProviderSummary LDAP = new ProviderSummary("corp-ldap", "ldap", "Company directory", "password");
    private static final ProviderSummary KEYCLOAK = new ProviderSummary("keycloak", "oidc", "Keycloak", "browser");
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void theServersProvidersSplitIntoTheFormsChoiceAndSingleSignOnButtons() {
        api.providers = List.of(ProviderSummary.local(), LDAP, KEYCLOAK);
        LoginViewModel model = new LoginViewModel(new LoginService(api, background, page -> { }), "", s -> { }, () -> { });
        model.start(false);
        assertEquals(List.of(ProviderSummary.local(), LDAP), List.copyOf(model.passwordProviders()));
        assertEquals(List.of(KEYCLOAK), List.copyOf(model.browserProviders()));
        assertTrue(model.providerChoiceProperty().get(), "two password providers: the form offers a choice");
        assertEquals(ProviderSummary.local(), model.providerProperty().get(), "local first");
    }

    @Test
    void aPasswordSignInGoesToTheChosenProviderAndHandsOnTheMfaChallenge() {
        api.providers = List.of(ProviderSummary.local(), LDAP);
        api.challenge = new MfaChallenge("c1", List.of("totp", "backup-code"), false, Instant.now().plusSeconds(300));
        List<SignIn> results = new ArrayList<>();
        LoginViewModel model = new LoginViewModel(new LoginService(api, background, page -> { }), "", results::add, () -> { });
        model.start(false);
        model.providerProperty().set(LDAP);
        model.usernameProperty().set("alice");
        model.passwordProperty().set("right");
        model.signIn();
        assertTrue(api.calls.contains("signIn alice corp-ldap"), api.calls.toString());
        assertEquals(1, results.size());
        assertFalse(results.getFirst().complete());
        assertEquals("c1", results.getFirst().mfa().challenge());
    }

    @Test
    void theMfaPromptOffersTheChallengesMethodsAndSendsTheCodeWithoutSpaces() {
        MfaChallenge challenge = new MfaChallenge("c1", List.of("backup-code", "totp"), false, Instant.now().plusSeconds(300));
        List<SignIn> results = new ArrayList<>();
        MfaPromptViewModel model = new MfaPromptViewModel(new MfaService(api, background), challenge, results::add, () -> { });
        assertEquals(List.of(MfaMethod.TOTP, MfaMethod.BACKUP_CODE), List.copyOf(model.methods()));
        model.codeProperty().set("000 000");
        model.verify();
        assertEquals("The code is wrong.", model.errorProperty().get());
        assertTrue(results.isEmpty());
        model.codeProperty().set("123 456");
        model.verify();
        assertTrue(api.calls.contains("verify totp 123456"), api.calls.toString());
        assertEquals(1, results.size());
        assertTrue(results.getFirst().complete());
    }

    @Test
    void enrolmentShowsTheQrCodeAndSecretThenTheBackupCodesOnceConfirmed() {
        List<Optional<?>> done = new ArrayList<>();
        EnrolmentViewModel model = new EnrolmentViewModel(new MfaService(api, background), null, done::add, () -> { });
        model.start();
        assertEquals(EnrolmentViewModel.Step.SCAN, model.stepProperty().get());
        assertNotNull(model.qrCodeProperty().get());
        assertEquals("JBSW Y3DP EHPK 3PXP", model.secretProperty().get());
        model.codeProperty().set("12345");
        model.confirm();
        assertEquals("Enter the 6-digit code your authenticator app shows now.", model.errorProperty().get());
        model.codeProperty().set("123456");
        model.confirm();
        assertEquals(EnrolmentViewModel.Step.BACKUP_CODES, model.stepProperty().get());
        assertEquals(List.of("aaaa-1111", "bbbb-2222"), List.copyOf(model.backupCodes()));
        assertEquals("aaaa-1111\nbbbb-2222\n", model.backupCodesText());
        model.done();
        assertTrue(model.backupCodes().isEmpty(), "the codes leave memory once saved");
        assertEquals(List.of(Optional.empty()), done);
    }

    @Test
    void anAdminChangeRefusedForStepUpAsksForASecondFactorAndIsSentOnceMore() {
        api.stepUpsRequired = 1;
        List<String> asked = new ArrayList<>();
        StepUpPrompt prompt = (onAnswer, onCancel) -> {
            asked.add("asked");
            onAnswer.accept(new StepUpPrompt.Factor("totp", "123456"));
        };
        UsersViewModel users = new UsersViewModel(new AdminService(api, background, prompt));
        users.newUsernameProperty().set("bob");
        users.newPasswordProperty().set("a long enough password");
        users.newRoleProperty().set(Role.OPERATOR);
        users.create();
        assertEquals(List.of("asked"), asked);
        assertEquals(List.of("createUser bob", "stepUp totp 123456", "createUser bob", "users"), api.calls);
        assertEquals("Created bob.", users.statusProperty().get());
    }

    @Test
    void aSecondStepUpRefusalIsReportedNotRetriedAgain() {
        api.stepUpsRequired = 2;
        StepUpPrompt prompt = (onAnswer, onCancel) -> onAnswer.accept(new StepUpPrompt.Factor("totp", "123456"));
        ProvidersViewModel providers = new ProvidersViewModel(new AdminService(api, background, prompt));
        providers.nameProperty().set("keycloak");
        providers.save();
        assertEquals(2, api.calls.stream().filter(c -> c.startsWith("createIdentityProvider")).count(), api.calls.toString());
        assertTrue(providers.errorProperty().get().startsWith("Creating keycloak failed: This change needs a fresh second factor"),
                providers.errorProperty().get());
    }

    @Test
    void aProviderWithSettingsThatAreNotJsonIsNotSent() {
        ProvidersViewModel providers = new ProvidersViewModel(new AdminService(api, background, (a, c) -> c.run()));
        providers.nameProperty().set("corp-ldap");
        providers.settingsProperty().set("{ \"url\" : ");
        providers.save();
        assertTrue(providers.errorProperty().get().startsWith("Settings is not valid JSON"), providers.errorProperty().get());
        assertTrue(api.calls.isEmpty(), api.calls.toString());
    }
}

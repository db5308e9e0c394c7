package io.pganalytics.console.app;

import io.pganalytics.common.auth.MfaChallenge;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.admin.AdminView;
import io.pganalytics.console.admin.CollectorsViewModel;
import io.pganalytics.console.admin.ConfirmDialog;
import io.pganalytics.console.admin.KeysViewModel;
import io.pganalytics.console.admin.ProvidersViewModel;
import io.pganalytics.console.admin.SettingsViewModel;
import io.pganalytics.console.admin.StepUpDialog;
import io.pganalytics.console.admin.UsersViewModel;
import io.pganalytics.console.alerting.AlertingService;
import io.pganalytics.console.alerting.ReceiversView;
import io.pganalytics.console.alerting.ReceiversViewModel;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.alerting.AlertingTabs;
import io.pganalytics.console.alerts.AlertsService;
import io.pganalytics.console.alerts.AlertsView;
import io.pganalytics.console.alerts.AlertsViewModel;
import io.pganalytics.console.alerts.SilenceDialog;
import io.pganalytics.console.anomalies.AnomaliesService;
import io.pganalytics.console.anomalies.AnomaliesView;
import io.pganalytics.console.anomalies.AnomaliesViewModel;
import io.pganalytics.console.anomalies.HintLink;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.HttpConnector;
import io.pganalytics.console.api.SignIn;
import io.pganalytics.console.audit.AuditService;
import io.pganalytics.console.audit.AuditView;
import io.pganalytics.console.audit.AuditViewModel;
import io.pganalytics.console.audit.ExportDestination;
import io.pganalytics.console.audit.ExportFileChooser;
import io.pganalytics.console.backups.BackupsService;
import io.pganalytics.console.backups.BackupsView;
import io.pganalytics.console.backups.BackupsViewModel;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.common.Notices;
import io.pganalytics.console.common.TimeRange;
import io.pganalytics.console.common.ui.FxNotices;
import io.pganalytics.console.common.ui.Theme;
import io.pganalytics.console.connect.ConnectService;
import io.pganalytics.console.connect.ConnectView;
import io.pganalytics.console.connect.ConnectViewModel;
import io.pganalytics.console.dashboard.DashboardService;
import io.pganalytics.console.dashboard.DashboardViewModel;
import io.pganalytics.console.fleet.FleetService;
import io.pganalytics.console.fleet.FleetView;
import io.pganalytics.console.fleet.FleetViewModel;
import io.pganalytics.console.login.Browser;
import io.pganalytics.console.login.LoginService;
import io.pganalytics.console.login.LoginView;
import io.pganalytics.console.login.LoginViewModel;
import io.pganalytics.console.mfa.EnrolmentView;
import io.pganalytics.console.mfa.EnrolmentViewModel;
import io.pganalytics.console.mfa.MfaPromptView;
import io.pganalytics.console.mfa.MfaPromptViewModel;
import io.pganalytics.console.mfa.MfaService;
import io.pganalytics.console.queries.QueriesService;
import io.pganalytics.console.queries.QueriesViewModel;
import io.pganalytics.console.tables.TablesService;
import io.pganalytics.console.tables.TablesViewModel;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.stream.Collectors;

/**
 * Wires the console by hand: one {@link Background}, one connector, one {@link ConsoleApi} per signed-in server,
 * and a view-model and view per screen. Navigation lives here too: screens ask for the next one through callbacks.
 */
public final class CompositionRoot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompositionRoot.class);

    private Stage stage;
    private final Notices notices = new FxNotices(() -> stage);
    private final Background background = Background.withDaemonThreads(Platform::runLater, notices);
    private final HttpConnector connector;
    private final Browser browser;
    private final ExportDestination exportDestination;
    private final WindowSettings settings;
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(Theme.LIGHT);
    private final Clock clock = Clock.systemUTC();
    private MainWindow window;
    private ConsoleApi api;

    private FleetViewModel fleet;
    private FleetView fleetView;
    private InstanceScreen instance;
    private KeysViewModel keys;
    private AuditViewModel audit;
    private BackupsViewModel backups;
    private AnomaliesViewModel anomalies;
    private AlertsViewModel alerts;

    public CompositionRoot(ConsoleHome home) {
        this(home, page -> {
            throw new IllegalStateException("no web browser is available to this console");
        });
    }

    /** @param browser opens single sign-on pages in the person's web browser */
    public CompositionRoot(ConsoleHome home, Browser browser) {
        this(home, browser, null);
    }

    /** @param exportDestination where exports are saved; null: the system's save dialog */
    public CompositionRoot(ConsoleHome home, Browser browser, ExportDestination exportDestination) {
        this.connector = new HttpConnector(home);
        this.settings = new WindowSettings(home);
        this.browser = browser;
        this.exportDestination = exportDestination != null ? exportDestination : new ExportFileChooser(() -> stage);
    }

    public void start(Stage primary) {
        start(primary, new StartupArguments(java.util.Optional.empty(), java.util.Optional.empty()));
    }

    /** Shows the window; with a server in the arguments, connects to it at once. */
    public void start(Stage primary, StartupArguments arguments) {
        this.stage = primary;
        WindowSettings.Saved saved = settings.load();
        theme.set(saved.theme());
        window = new MainWindow(theme, this::showFleet, this::showAnomalies, this::showAlerts, this::showAdministration, this::showAudit, this::showBackups, this::showOwnEnrolment, this::signOut,
                saved.width(), saved.height());
        stage.setTitle("pgAnalytics");
        stage.setScene(window.scene());
        stage.setMinWidth(960);
        stage.setMinHeight(640);
        place(saved);
        stage.setOnHiding(e -> remember());
        shortcuts();
        ConnectViewModel connect = showConnect();
        stage.show();
        arguments.server().ifPresent(server -> {
            connect.addressProperty().set(server);
            connect.connectExpecting(arguments.trustFingerprint().orElse(null));
        });
    }

    @Override
    public void close() {
        stopScreens();
        if (api != null) {
            api.close();
        }
        background.close();
    }

    // ---- navigation

    ConnectViewModel showConnect() {
        stopScreens();
        ConnectViewModel model = new ConnectViewModel(new ConnectService(connector, background), this::connected);
        window.showWelcome(new ConnectView(model).build());
        stage.setTitle("pgAnalytics");
        return model;
    }

    private void connected(ConsoleApi opened) {
        if (api != null && api != opened) {
            api.close();
        }
        api = opened;
        api.onSessionExpired(reason -> Platform.runLater(() -> {
            if (api == opened) {
                notices.error("Signed out", reason);
                showLogin(reason, false);
            }
        }));
        showLogin("", true);
    }

    void showLogin(String reason, boolean tryResume) {
        stopScreens();
        LoginViewModel model = new LoginViewModel(new LoginService(api, background, browser), reason, this::signIn, this::showConnect);
        window.showWelcome(new LoginView(model).build());
        model.start(tryResume);
        stage.setTitle("pgAnalytics · " + api.address());
    }

    /** Where a sign-in step leads: signed in, an MFA prompt, or (when the policy wants a factor the person lacks) enrolment. */
    private void signIn(SignIn result) {
        if (result.complete()) {
            signedIn(result.user());
        } else if (result.mfa().enrolmentRequired()) {
            showEnrolment(result.mfa().challenge());
        } else {
            showMfaPrompt(result.mfa());
        }
    }

    private void signedIn(UserView user) {
        String roles = user.roles().stream().map(r -> r.wireName()).collect(Collectors.joining(", "));
        window.account(user.username() + " (" + roles + ")  ·  " + api.address().host());
        window.administration(user.roles().contains(Role.ADMIN));
        window.audit(Role.anyGrants(user.roles(), Role.AUDITOR));
        window.backups(Role.anyGrants(user.roles(), Role.OPERATOR));
        showFleet();
    }

    void showMfaPrompt(MfaChallenge challenge) {
        stopScreens();
        MfaPromptViewModel model = new MfaPromptViewModel(new MfaService(api, background), challenge, this::signIn,
                () -> showLogin("", false));
        window.showWelcome(new MfaPromptView(model).build());
    }

    /** @param challenge the sign-in's challenge (enrolment before the first sign-in), or null for the signed-in user */
    void showEnrolment(String challenge) {
        stopScreens();
        EnrolmentViewModel model = new EnrolmentViewModel(new MfaService(api, background), challenge,
                signedIn -> signedIn.ifPresentOrElse(this::signedIn, this::showFleet),
                challenge == null ? this::showFleet : () -> showLogin("", false));
        if (challenge == null) {
            window.showSignedIn(new EnrolmentView(model).build(), "›  Two-factor sign-in");
        } else {
            window.showWelcome(new EnrolmentView(model).build());
        }
        model.start();
    }

    private void showOwnEnrolment() {
        if (api != null && api.user().isPresent()) {
            showEnrolment(null);
        }
    }

    void showAdministration() {
        if (api == null || api.user().map(u -> !u.roles().contains(Role.ADMIN)).orElse(true)) {
            return;
        }
        stopScreens();
        ConfirmDialog confirm = new ConfirmDialog(() -> stage);
        AdminService service = new AdminService(api, background, new StepUpDialog(() -> stage), confirm);
        UsersViewModel users = new UsersViewModel(service);
        ProvidersViewModel providers = new ProvidersViewModel(service);
        keys = new KeysViewModel(service, confirm);
        SettingsViewModel settings = new SettingsViewModel(service);
        CollectorsViewModel collectors = new CollectorsViewModel(service, confirm);
        ReceiversViewModel notifications = new ReceiversViewModel(new AlertingService(api, background, service));
        window.showSignedIn(new AdminView(users, providers, keys, settings, collectors, new ReceiversView(notifications).build()).build(), "›  Administration");
        users.load();
        notifications.load();
        providers.load();
        keys.load();
        settings.load();
        collectors.load();
        stage.setTitle("pgAnalytics · Administration");
    }

    void showAudit() {
        if (api == null || api.user().map(u -> !Role.anyGrants(u.roles(), Role.AUDITOR)).orElse(true)) {
            return;
        }
        stopScreens();
        audit = new AuditViewModel(new AuditService(api, background), exportDestination, clock);
        window.showSignedIn(new AuditView(audit).build(), "›  Audit");
        audit.start();
        stage.setTitle("pgAnalytics · Audit");
    }

    void showBackups() {
        if (api == null || api.user().map(u -> !Role.anyGrants(u.roles(), Role.OPERATOR)).orElse(true)) {
            return;
        }
        stopScreens();
        AdminService changes = new AdminService(api, background, new StepUpDialog(() -> stage), new ConfirmDialog(() -> stage));
        backups = new BackupsViewModel(new BackupsService(api, background, changes), api.user().orElseThrow().roles(), clock);
        window.showSignedIn(new BackupsView(backups).build(), "›  Backups");
        backups.start();
        stage.setTitle("pgAnalytics · Backups");
    }

    void showAnomalies() {
        if (api == null || api.user().isEmpty()) {
            return;
        }
        stopScreens();
        anomalies = new AnomaliesViewModel(new AnomaliesService(api, background), api.user().orElseThrow().roles(), clock, this::follow);
        window.showSignedIn(new AnomaliesView(anomalies).build(), "›  Anomalies");
        anomalies.start();
        stage.setTitle("pgAnalytics · Anomalies");
    }

    void showAlerts() {
        if (api == null || api.user().isEmpty()) {
            return;
        }
        stopScreens();
        java.util.Set<Role> roles = api.user().orElseThrow().roles();
        alerts = new AlertsViewModel(new AlertsService(api, background), roles, clock, new SilenceDialog(() -> stage));
        AdminService changes = new AdminService(api, background, new StepUpDialog(() -> stage), new ConfirmDialog(() -> stage));
        AlertingTabs configuration = new AlertingTabs(new AlertingService(api, background, changes), roles, clock);
        window.showSignedIn(new AlertsView(alerts, configuration.tabs()).build(), "›  Alerts");
        alerts.start();
        stage.setTitle("pgAnalytics · Alerts");
    }

    /** The Anomalies screen with anomaly {@code id}'s detail (a marker clicked on a dashboard). */
    void showAnomaly(long id) {
        showAnomalies();
        if (anomalies != null) {
            anomalies.open(id);
        }
    }

    /** Opens what a root-cause hint names, on its instance's screen. */
    private void follow(HintLink link) {
        showInstance(link.instance());
        switch (link.kind()) {
            case QUERY -> instance.showQuery(Long.parseLong(link.value()));
            case TABLE -> instance.showTable(link.value());
            default -> instance.selectTab(0);
        }
    }

    void showFleet() {
        if (api == null || api.user().isEmpty()) {
            return;
        }
        stopScreens();
        fleet = new FleetViewModel(new FleetService(api, background), this::showInstance);
        fleetView = new FleetView(fleet);
        window.showSignedIn(fleetView.build(), "");
        fleet.start();
    }

    void showInstance(InstanceSummary summary) {
        stopScreens();
        ObjectProperty<TimeRange> range = new SimpleObjectProperty<>(TimeRange.LAST_HOUR);
        DashboardViewModel dashboard = new DashboardViewModel(new DashboardService(api, background), summary, range, clock, this::showAnomaly);
        QueriesViewModel queries = new QueriesViewModel(new QueriesService(api, background), summary.id(), range, clock);
        TablesViewModel tables = new TablesViewModel(new TablesService(api, background), summary.id(), range, clock);
        instance = new InstanceScreen(dashboard, queries, tables, theme);
        window.showSignedIn(instance.build(this::showFleet), "›  " + summary.name());
        stage.setTitle("pgAnalytics · " + summary.name());
    }

    private void signOut() {
        ConsoleApi signingOut = api;
        stopScreens();
        background.run(() -> {
            signingOut.logout();
            return true;
        }, done -> showLogin("You signed out.", false), failure -> showLogin("You signed out.", false));
    }

    private void stopScreens() {
        if (fleet != null) {
            fleet.stop();
            fleet = null;
            fleetView = null;
        }
        if (instance != null) {
            instance.stop();
            instance = null;
        }
        if (keys != null) {
            keys.stop();
            keys = null;
        }
        if (audit != null) {
            audit.stop();
            audit = null;
        }
        if (backups != null) {
            backups.stop();
            backups = null;
        }
        if (anomalies != null) {
            anomalies.stop();
            anomalies = null;
        }
        if (alerts != null) {
            alerts.stop();
            alerts = null;
        }
    }

    // ---- window

    private void shortcuts() {
        var accelerators = window.scene().getAccelerators();
        accelerators.put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), () -> {
            if (fleetView != null) {
                fleetView.focusSearch();
            }
        });
        accelerators.put(new KeyCodeCombination(KeyCode.F5), () -> {
            if (fleet != null) {
                fleet.refresh();
            } else if (instance != null) {
                instance.refresh();
            } else if (audit != null) {
                audit.poll();
            } else if (backups != null) {
                backups.refresh();
            } else if (anomalies != null) {
                anomalies.refresh();
            } else if (alerts != null) {
                alerts.refresh();
            }
        });
        accelerators.put(new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN), () -> theme.set(theme.get().other()));
        accelerators.put(new KeyCodeCombination(KeyCode.LEFT, KeyCombination.ALT_DOWN), () -> {
            if (instance != null) {
                showFleet();
            }
        });
        for (int i = 0; i < 3; i++) {
            int tab = i;
            accelerators.put(new KeyCodeCombination(KeyCode.getKeyCode(Integer.toString(i + 1)), KeyCombination.SHORTCUT_DOWN), () -> {
                if (instance != null) {
                    instance.selectTab(tab);
                }
            });
        }
    }

    private void place(WindowSettings.Saved saved) {
        if (Double.isNaN(saved.x()) || Double.isNaN(saved.y())) {
            return;
        }
        boolean visible = Screen.getScreensForRectangle(saved.x(), saved.y(), Math.max(100, saved.width()), 100).size() > 0;
        if (visible) {
            stage.setX(saved.x());
            stage.setY(saved.y());
        }
        stage.setMaximized(saved.maximized());
    }

    private void remember() {
        settings.save(new WindowSettings.Saved(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), stage.isMaximized(), theme.get()));
        LOG.debug("window remembered at {},{} {}x{}", stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
    }
}

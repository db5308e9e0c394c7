package io.pganalytics.console.app;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.pganalytics.common.auth.ProviderSummary;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.console.testing.Totp;
import io.pganalytics.server.testing.TestProviderKinds;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.ListView;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.matcher.control.LabeledMatchers;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's sign-in, MFA and administration screens, headless, against a real server with two identity providers
 * of the server harness's own kinds (a password "directory" and a browser provider): the providers it lists, a
 * directory sign-in, a local admin creating and disabling a user, enrolling TOTP (the QR code decoded back), a step-up
 * for an admin change, and the MFA prompt at the next sign-in with codes the test computes. With
 * {@code -Dpga.screenshots=DIR} it also saves the screens it passes (console-app/screenshots.sh).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignInEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static Stage stage;
    private static String secret;
    private static long lastStep;
    private static List<String> backupCodes;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("auth.providers.0.name", "corp");
        overrides.put("auth.providers.0.kind", TestProviderKinds.DIRECTORY);
        overrides.put("auth.providers.0.display-name", "Company directory");
        overrides.put("auth.providers.0.settings.directory", "console-e2e");
        overrides.put("auth.providers.0.secrets.bindPassword", TestProviderKinds.BIND_PASSWORD);
        overrides.put("auth.providers.0.role-mapping.default-role", "viewer");
        overrides.put("auth.providers.1.name", "corp-sso");
        overrides.put("auth.providers.1.kind", TestProviderKinds.BROWSER);
        overrides.put("auth.providers.1.display-name", "Corporate SSO");
        overrides.put("auth.providers.1.role-mapping.default-role", "viewer");
        TestProviderKinds.put("console-e2e", "dora", new TestProviderKinds.Person("dora-1", "Dora-Directory-Pass-1", "Dora DBA",
                "dora@example.com", Set.of("cn=dba,ou=groups")));
        server = TestServer.start("console_sign_in", overrides, TestProviderKinds.all());
        Path home = Files.createTempDirectory("pga-console-sign-in-");
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home));
            root.start(stage);
            if (System.getProperty("pga.screenshots") != null) {
                stage.setWidth(1440);
                stage.setHeight(900);
            }
        });
        robot = new FxRobot();
    }

    @AfterAll
    static void stop() throws TimeoutException {
        if (root != null) {
            FxToolkit.setupFixture(() -> root.close());
            FxToolkit.cleanupStages();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void theSignInScreenOffersWhatTheServerLists() throws Exception {
        robot.interact(() -> ((ComboBox<?>) node("#server-address")).getEditor().setText(server.url()));
        robot.clickOn("#connect");
        waitUntil(() -> node("#trust").isVisible() && !((TextInputControl) node("#fingerprint")).getText().isEmpty());
        robot.clickOn("#trust");
        waitUntil(() -> exists("#username"));
        ChoiceBox<?> providers = (ChoiceBox<?>) node("#provider");
        waitUntil(() -> providers.getItems().size() == 2);
        assertEquals(List.of("local", "corp"), providers.getItems().stream().map(p -> ((ProviderSummary) p).name()).toList());
        waitUntil(() -> providers.getParent().isVisible()); // two password providers: a choice
        waitUntil(() -> exists("#sso-corp-sso"));
        assertEquals("Sign in with Corporate SSO", text("#sso-corp-sso"));
        assertTrue(node("#sso-providers").isVisible());
        shoot("12-sign-in-providers");
    }

    @Test
    @Order(2)
    void aDirectoryUserSignsInThroughTheChosenProvider() {
        robot.interact(() -> {
            ChoiceBox<ProviderSummary> providers = (ChoiceBox<ProviderSummary>) node("#provider");
            providers.setValue(providers.getItems().get(1));
            ((TextInputControl) node("#username")).setText("dora");
            ((TextInputControl) node("#password")).setText("Dora-Directory-Pass-1");
        });
        robot.clickOn("#sign-in");
        waitUntil(() -> exists("#fleet-table"));
        assertTrue(text("#account").startsWith("dora (viewer)"), text("#account"));
        assertFalse(node("#nav-admin").isVisible(), "a viewer sees no administration");
        robot.clickOn("#sign-out");
        waitUntil(() -> exists("#username") && text("#login-notice").equals("You signed out."));
    }

    @Test
    @Order(3)
    void aLocalAdminSignsInAndSeesTheAdministrationButton() {
        robot.interact(() -> {
            ChoiceBox<ProviderSummary> providers = (ChoiceBox<ProviderSummary>) node("#provider");
            providers.setValue(providers.getItems().getFirst());
            ((TextInputControl) node("#username")).setText("admin");
            ((TextInputControl) node("#password")).setText(TestServers.ADMIN_PASSWORD);
        });
        robot.clickOn("#sign-in");
        waitUntil(() -> exists("#fleet-table"));
        assertTrue(node("#nav-admin").isVisible());
    }

    @Test
    @Order(4)
    void anAdminCreatesAUserAndDisablesIt() throws Exception {
        robot.clickOn("#nav-admin");
        TableView<?> users = (TableView<?>) node("#admin-users");
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("admin")));
        robot.interact(() -> {
            ((TextInputControl) node("#new-user-username")).setText("olga");
            ((TextInputControl) node("#new-user-display-name")).setText("Olga Operator");
            ((TextInputControl) node("#new-user-password")).setText("Olga-Console-Pass-1234");
        });
        robot.clickOn("#new-user-create");
        waitUntil(() -> text("#users-status").equals("Created olga."));
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("olga")));
        selectUser(users, "olga");
        robot.clickOn("#user-toggle");
        waitUntil(() -> showing("#confirm-ok") != null); // disabling a user is confirmed with the server's summary first
        robot.clickOn(showing("#confirm-ok"));
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("olga") && !((UserView) u).enabled()));
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Identity providers")).query());
        TableView<?> providers = (TableView<?>) node("#admin-providers");
        waitUntil(() -> providers.getItems().size() == 2);
        robot.interact(() -> providers.getSelectionModel().select(0));
        waitUntil(() -> !text("#provider-name").isEmpty());
        robot.clickOn("#provider-test");
        waitUntil(() -> text("#provider-test-result").startsWith("Connection works: directory console-e2e"));
        shoot("15-administration");
        robot.clickOn((Node) robot.lookup(".tab-label").match(LabeledMatchers.hasText("Users")).query());
    }

    @Test
    @Order(5)
    void enrolmentShowsAQrCodeOfTheSecretAndTenBackupCodesOnce() throws Exception {
        robot.clickOn("#nav-mfa");
        waitUntil(() -> ((ImageView) node("#enrol-qr")).getImage() != null && !text("#enrol-secret").isEmpty());
        String uri = decode(((ImageView) node("#enrol-qr")).getImage());
        assertTrue(uri.startsWith("otpauth://totp/"), uri);
        secret = query(URI.create(uri)).get("secret");
        assertEquals(text("#enrol-secret").replace(" ", ""), secret, "the QR code holds the secret shown as text");
        shoot("14-mfa-enrolment-qr");
        lastStep = Instant.now().getEpochSecond() / 30;
        robot.interact(() -> ((TextInputControl) node("#enrol-code")).setText(Totp.atStep(secret, lastStep)));
        robot.clickOn("#enrol-confirm");
        ListView<?> codes = (ListView<?>) node("#enrol-backup-codes");
        waitUntil(() -> codes.isVisible() && codes.getItems().size() == 10);
        assertTrue(codes.getItems().stream().distinct().count() == 10);
        backupCodes = codes.getItems().stream().map(Object::toString).toList();
        shoot("14-mfa-backup-codes");
        robot.clickOn("#enrol-done");
        waitUntil(() -> exists("#fleet-table"));
        assertFalse(exists("#enrol-backup-codes"), "the backup codes are gone from the screen");
    }

    @Test
    @Order(6)
    void anAdminChangeAfterEnrollingAsksForAFreshSecondFactorAndGoesThrough() {
        robot.clickOn("#nav-admin");
        TableView<?> users = (TableView<?>) node("#admin-users");
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("olga")));
        selectUser(users, "olga");
        robot.clickOn("#user-toggle");
        waitUntil(() -> exists("#step-up-code"));
        robot.interact(() -> ((TextInputControl) node("#step-up-code")).setText(Totp.atStep(secret, ++lastStep)));
        robot.clickOn("#step-up-ok");
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("olga") && ((UserView) u).enabled()));
        assertEquals("Enabled olga.", text("#users-status"));
    }

    @Test
    @Order(7)
    void theNextSignInAsksForTheSecondFactorAndAWrongCodeIsRefused() throws Exception {
        robot.clickOn("#sign-out");
        waitUntil(() -> exists("#username"));
        robot.interact(() -> {
            ((TextInputControl) node("#username")).setText("admin");
            ((TextInputControl) node("#password")).setText(TestServers.ADMIN_PASSWORD);
        });
        robot.clickOn("#sign-in");
        waitUntil(() -> exists("#mfa-code"));
        assertTrue(exists("#mfa-method-totp") && exists("#mfa-method-backup-code"));
        shoot("13-mfa-prompt");
        robot.interact(() -> ((TextInputControl) node("#mfa-code")).setText("000000".equals(Totp.atStep(secret, lastStep + 1)) ? "111111" : "000000"));
        robot.clickOn("#mfa-verify");
        waitUntil(() -> !text("#mfa-error").isEmpty());
        assertFalse(exists("#fleet-table"));
        long step = ++lastStep;
        waitUntil(() -> Instant.now().getEpochSecond() / 30 >= step - 1, 45);
        robot.interact(() -> ((TextInputControl) node("#mfa-code")).setText(Totp.atStep(secret, step)));
        robot.clickOn("#mfa-verify");
        waitUntil(() -> exists("#fleet-table"));
        assertTrue(text("#account").startsWith("admin"), text("#account"));
    }

    @Test
    @Order(8)
    void aSavedBackupCodeFinishesTheSignIn() {
        robot.clickOn("#sign-out");
        waitUntil(() -> exists("#username"));
        robot.interact(() -> {
            ((TextInputControl) node("#username")).setText("admin");
            ((TextInputControl) node("#password")).setText(TestServers.ADMIN_PASSWORD);
        });
        robot.clickOn("#sign-in");
        waitUntil(() -> exists("#mfa-method-backup-code"));
        robot.clickOn("#mfa-method-backup-code");
        robot.interact(() -> ((TextInputControl) node("#mfa-code")).setText(backupCodes.getFirst()));
        robot.clickOn("#mfa-verify");
        waitUntil(() -> exists("#fleet-table"));
    }

    private static void selectUser(TableView<?> users, String username) {
        robot.interact(() -> {
            for (int i = 0; i < users.getItems().size(); i++) {
                if (((UserView) users.getItems().get(i)).username().equals(username)) {
                    users.getSelectionModel().select(i);
                }
            }
        });
    }

    /** Reads a QR code back from the screen's image, as a phone's camera would. */
    private static String decode(Image image) throws Exception {
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        int[] pixels = new int[width * height];
        PixelReader reader = image.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                pixels[y * width + x] = reader.getArgb(x, y);
            }
        }
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width, height, pixels)));
        try {
            return new QRCodeReader().decode(bitmap).getText();
        } catch (com.google.zxing.NotFoundException e) {
            // zxing's finder-pattern search misses about 1 code in 100 of random secrets even on a clean image (measured:
            // 22 of 2,000); the image is exactly the code, so it is read as one, which reads all 2,000
            return new QRCodeReader().decode(bitmap, java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** With -Dpga.screenshots=DIR: the window as it is now, as DIR/name.png. */
    private static void shoot(String name) throws Exception {
        String dir = System.getProperty("pga.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> image = new AtomicReference<>();
        robot.interact(() -> image.set(stage.getScene().snapshot(null)));
        int width = (int) image.get().getWidth();
        int height = (int) image.get().getHeight();
        BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = image.get().getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                buffered.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        ImageIO.write(buffered, "png", Files.createDirectories(Path.of(dir)).resolve(name + ".png").toFile());
    }

    /** A dialog's node in a window that shows now (the dialog's window may be listed a moment before it shows). */
    static Node showing(String query) {
        return robot.lookup(query).queryAll().stream().filter(n -> n.isVisible() && n.getScene() != null && n.getScene().getWindow() != null
                && n.getScene().getWindow().isShowing()).findFirst().orElse(null);
    }

    static Node node(String query) {
        return robot.lookup(query).query();
    }

    static boolean exists(String query) {
        return robot.lookup(query).tryQuery().isPresent();
    }

    static String text(String query) {
        Node node = node(query);
        return node instanceof Labeled labeled ? labeled.getText() : ((TextInputControl) node).getText();
    }

    static void waitUntil(Callable<Boolean> condition) {
        waitUntil(condition, 30);
    }

    static void waitUntil(Callable<Boolean> condition, int seconds) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> {
                try {
                    return condition.call();
                } catch (RuntimeException e) {
                    return false;
                }
            });
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting", e);
        }
    }
}

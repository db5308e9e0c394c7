package io.pganalytics.console.app;

import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.HttpConnector;
import io.pganalytics.console.api.ServerAddress;
import io.pganalytics.console.audit.AuditDiff;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The confirmation dialog of admin actions and the Audit screen, headless, against a real server: a user delete that
 * the server wants confirmed (Cancel keeps the user, OK deletes it), then the records of what was just done in the
 * Audit screen, the filters narrowing them, a new action appearing without a refresh, a roles change's before and
 * after with the change marked, the chain's verification, and an export to a file that tools/audit-verify.py verifies. With {@code -Dpga.screenshots=DIR}
 * it also saves docs/images/17-audit.png and 18-confirmation.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditEndToEndTest {
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static Stage stage;
    private static ConsoleApi other;
    private static Path exportFile;
    private static long frankId;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("console_audit");
        Path home = Files.createTempDirectory("pga-console-audit-");
        exportFile = home.resolve("audit-export.jsonl");
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home), page -> {
                throw new IllegalStateException("no browser in this test");
            }, (suggested, format) -> Optional.of(exportFile));
            root.start(stage);
            stage.setWidth(1440);
            stage.setHeight(900);
        });
        robot = new FxRobot();
        robot.interact(() -> ((ComboBox<?>) node("#server-address")).getEditor().setText(server.url()));
        robot.clickOn("#connect");
        waitUntil(() -> node("#trust").isVisible() && !((TextInputControl) node("#fingerprint")).getText().isEmpty());
        robot.clickOn("#trust");
        waitUntil(() -> exists("#username"));
        robot.interact(() -> {
            ((TextInputControl) node("#username")).setText("admin");
            ((TextInputControl) node("#password")).setText(TestServers.ADMIN_PASSWORD);
        });
        robot.clickOn("#sign-in");
        waitUntil(() -> exists("#fleet-table"));
        // a second session, as another admin's console would be, for actions done while the Audit screen is open
        HttpConnector connector = new HttpConnector(new ConsoleHome(Files.createTempDirectory("pga-console-audit-other-")));
        ServerAddress address = ServerAddress.parse(server.url());
        connector.trust(connector.probe(address));
        other = connector.open(address);
        other.login("admin", TestServers.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() throws TimeoutException {
        if (other != null) {
            other.close();
        }
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
    void aUserDeleteShowsTheServersConfirmationAndDeletesOnlyAfterOk() throws Exception {
        robot.clickOn("#nav-admin");
        TableView<?> users = (TableView<?>) node("#admin-users");
        long erin = createUser(users, "erin");
        selectUser(users, "erin");
        robot.clickOn("#user-delete");
        waitUntil(AuditEndToEndTest::dialogShown);
        String summary = ((DialogPane) showing("#confirm-dialog")).getHeaderText();
        assertTrue(summary.startsWith("Delete user " + erin), "the server's summary: " + summary);
        robot.clickOn(showing("#confirm-cancel"));
        waitUntil(() -> text("#users-status").equals("Cancelled: nothing was changed."));
        assertTrue(other.admin().users(0, 500).items().stream().anyMatch(u -> u.username().equals("erin")), "Cancel deletes nothing");

        robot.clickOn("#user-delete");
        waitUntil(AuditEndToEndTest::dialogShown);
        shootWithDialog("18-confirmation");
        assertTrue(other.admin().users(0, 500).items().stream().anyMatch(u -> u.username().equals("erin")), "nothing before OK");
        robot.clickOn(showing("#confirm-ok"));
        waitUntil(() -> text("#users-status").equals("Deleted erin."));
        waitUntil(() -> users.getItems().stream().noneMatch(u -> ((UserView) u).username().equals("erin")));
        assertFalse(other.admin().users(0, 500).items().stream().anyMatch(u -> u.username().equals("erin")), "deleted after OK");
        assertTrue(showing("#confirm-ok") == null, "one dialog, not two");
    }

    @Test
    @Order(2)
    void aRolesChangeIsConfirmedOnceAndSaved() {
        TableView<?> users = (TableView<?>) node("#admin-users");
        frankId = createUser(users, "frank");
        selectUser(users, "frank");
        robot.interact(() -> {
            ((javafx.scene.control.CheckBox) node("#user-role-viewer")).setSelected(false);
            ((javafx.scene.control.CheckBox) node("#user-role-operator")).setSelected(true);
        });
        robot.clickOn("#user-save-roles");
        waitUntil(AuditEndToEndTest::dialogShown);
        robot.clickOn(showing("#confirm-ok"));
        waitUntil(() -> text("#users-status").equals("Saved the roles of frank."));
        assertEquals(Set.of(Role.OPERATOR), other.admin().users(0, 500).items().stream().filter(u -> u.id() == frankId).findFirst()
                .orElseThrow().roles());
    }

    @Test
    @Order(3)
    void theAuditScreenListsTheRecordsOfTheActionsJustDone() {
        robot.clickOn("#nav-audit");
        TableView<?> records = (TableView<?>) node("#audit-records");
        waitUntil(() -> changesOf(records, frankId).size() >= 2);
        assertTrue(records(records).stream().anyMatch(r -> "change".equals(r.category()) && "user".equals(r.resourceType())
                && r.action().contains("delete")), "the delete of erin is there");
        assertTrue(changesOf(records, frankId).stream().allMatch(r -> r.actor() != null && "admin".equals(r.actor().name())), "done by admin");
    }

    @Test
    @Order(4)
    void theFiltersNarrowTheList() {
        TableView<?> records = (TableView<?>) node("#audit-records");
        int all = records.getItems().size();
        robot.interact(() -> {
            @SuppressWarnings("unchecked")
            ChoiceBox<String> category = (ChoiceBox<String>) node("#audit-category");
            category.setValue("change");
            ((TextInputControl) node("#audit-resource-type")).setText("user");
            ((TextInputControl) node("#audit-resource-id")).setText(Long.toString(frankId));
        });
        robot.clickOn("#audit-search");
        waitUntil(() -> !records.getItems().isEmpty() && records(records).stream().allMatch(r -> isChangeOf(r, frankId)));
        assertTrue(records.getItems().size() >= 2 && records.getItems().size() < all, records.getItems().size() + " of " + all);
        assertTrue(text("#audit-summary").contains("matching the filters"), text("#audit-summary"));
    }

    @Test
    @Order(5)
    void theDetailShowsBeforeAndAfterWithTheChangeMarked() throws Exception {
        TableView<?> records = (TableView<?>) node("#audit-records");
        AuditRecordView rolesChange = changesOf(records, frankId).stream()
                .filter(r -> r.before() != null && !r.before().isNull() && r.after() != null && !r.after().isNull()).findFirst().orElseThrow();
        robot.interact(() -> records.getSelectionModel().select(records.getItems().indexOf(rolesChange)));
        TableView<?> diff = (TableView<?>) node("#audit-diff");
        waitUntil(() -> !diff.getItems().isEmpty());
        AuditDiff.Row roles = diff.getItems().stream().map(r -> (AuditDiff.Row) r).filter(r -> r.field().startsWith("roles")).findFirst()
                .orElseThrow(() -> new AssertionError("no roles row in " + diff.getItems()));
        assertEquals(AuditDiff.Change.CHANGED, roles.change());
        assertTrue(roles.before().contains("viewer") && roles.after().contains("operator"), roles.toString());
        assertTrue(text("#audit-diff-summary").contains("(marked)"), text("#audit-diff-summary"));
        shoot("17-audit");
    }

    @Test
    @Order(6)
    void aNewActionAppearsWithoutARefresh() {
        robot.clickOn("#audit-clear");
        TableView<?> records = (TableView<?>) node("#audit-records");
        waitUntil(() -> !text("#audit-summary").contains("matching"));
        UserView gina = other.admin().createUser(new CreateUserRequest("gina", null, "Gina-Console-Pass-1234", Set.of(Role.VIEWER)));
        waitUntil(() -> records(records).stream().anyMatch(r -> isChangeOf(r, gina.id())));
    }

    @Test
    @Order(7)
    void theChainsVerificationIsShown() {
        robot.clickOn("#audit-verify");
        waitUntil(() -> text("#audit-verification").startsWith("Chain intact"));
    }

    @Test
    @Order(8)
    void theExportWritesAFileWithTheRecords() throws Exception {
        robot.clickOn("#audit-export");
        waitUntil(() -> text("#audit-status").startsWith("Exported to " + exportFile));
        List<String> lines = Files.readAllLines(exportFile);
        assertTrue(lines.size() >= 4, lines.size() + " lines");
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"" + frankId + "\"") || l.contains(":" + frankId + ",")), "frank's changes");
        if (!System.getProperty("os.name").startsWith("Windows")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(exportFile)));
        }
        // the file the console saved verifies with the independent verifier a third party would run
        Path verifier = Path.of("..", "tools", "audit-verify.py").toAbsolutePath().normalize();
        Process run = new ProcessBuilder("python3", verifier.toString(), exportFile.toString()).redirectErrorStream(true).start();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "audit-verify.py finished");
        String said = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, run.exitValue(), "audit-verify.py: " + said);
    }

    // ---- helpers

    private static long createUser(TableView<?> users, String name) {
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals("admin")));
        robot.interact(() -> {
            ((TextInputControl) node("#new-user-username")).setText(name);
            ((TextInputControl) node("#new-user-display-name")).setText(name.substring(0, 1).toUpperCase() + name.substring(1));
            ((TextInputControl) node("#new-user-password")).setText(name + "-Console-Pass-1234");
        });
        robot.clickOn("#new-user-create");
        waitUntil(() -> text("#users-status").equals("Created " + name + "."));
        waitUntil(() -> users.getItems().stream().anyMatch(u -> ((UserView) u).username().equals(name)));
        return users.getItems().stream().map(u -> (UserView) u).filter(u -> u.username().equals(name)).findFirst().orElseThrow().id();
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

    private static List<AuditRecordView> records(TableView<?> table) {
        return table.getItems().stream().map(r -> (AuditRecordView) r).toList();
    }

    private static List<AuditRecordView> changesOf(TableView<?> table, long userId) {
        return records(table).stream().filter(r -> isChangeOf(r, userId)).toList();
    }

    private static boolean isChangeOf(AuditRecordView r, long userId) {
        return "change".equals(r.category()) && "user".equals(r.resourceType()) && Long.toString(userId).equals(r.resourceId());
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
        ImageIO.write(buffered(image.get(), 1.0), "png", Files.createDirectories(Path.of(dir)).resolve(name + ".png").toFile());
    }

    /** The window dimmed, with the open dialog drawn over it where a modal dialog sits. */
    private static void shootWithDialog(String name) throws Exception {
        String dir = System.getProperty("pga.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> window = new AtomicReference<>();
        AtomicReference<WritableImage> dialog = new AtomicReference<>();
        robot.interact(() -> {
            window.set(stage.getScene().snapshot(null));
            Window open = Window.getWindows().stream().filter(w -> w != stage && w.isShowing() && w.getScene() != null
                    && w.getScene().lookup("#confirm-dialog") != null).findFirst().orElseThrow();
            dialog.set(open.getScene().snapshot(null));
        });
        BufferedImage picture = buffered(window.get(), 0.55);
        BufferedImage box = buffered(dialog.get(), 1.0);
        java.awt.Graphics2D g = picture.createGraphics();
        g.drawImage(box, (picture.getWidth() - box.getWidth()) / 2, (picture.getHeight() - box.getHeight()) / 3, null);
        g.dispose();
        ImageIO.write(picture, "png", Files.createDirectories(Path.of(dir)).resolve(name + ".png").toFile());
    }

    private static BufferedImage buffered(WritableImage image, double brightness) {
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = image.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = pixels.getArgb(x, y);
                int r = (int) (((argb >> 16) & 0xff) * brightness);
                int gr = (int) (((argb >> 8) & 0xff) * brightness);
                int b = (int) ((argb & 0xff) * brightness);
                buffered.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return buffered;
    }

    /** The confirmation dialog is up: its window shows and its OK button can be clicked. */
    private static boolean dialogShown() {
        return showing("#confirm-ok") != null;
    }

    /** A dialog's button in a window that shows now (a cancelled dialog's window may linger in the list a moment). */
    private static Node showing(String query) {
        return robot.lookup(query).queryAll().stream().filter(n -> n.isVisible() && n.getScene() != null && n.getScene().getWindow() != null
                && n.getScene().getWindow().isShowing()).findFirst().orElse(null);
    }

    private static Node node(String query) {
        return robot.lookup(query).query();
    }

    private static boolean exists(String query) {
        return robot.lookup(query).tryQuery().isPresent();
    }

    private static String text(String query) {
        Node node = node(query);
        return node instanceof Labeled labeled ? labeled.getText() : ((TextInputControl) node).getText();
    }

    private static void waitUntil(Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
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

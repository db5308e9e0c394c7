package io.pganalytics.console.app;

import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.query.QueryStat;
import io.pganalytics.common.query.SeriesPoint;
import io.pganalytics.console.anomalies.AnomaliesViewModel;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.HttpConnector;
import io.pganalytics.console.api.ServerAddress;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.common.ui.BandChart;
import io.pganalytics.console.testing.AnomalyRows;
import io.pganalytics.console.testing.TestServer;
import io.pganalytics.console.testing.Workload;
import io.pganalytics.server.testing.TestServers;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static io.pganalytics.console.app.BackupsEndToEndTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anomaly views of the console, headless, against a real server on embedded PostgreSQL: a collector's two and a half
 * hours of a workload through the real ingest API, with a level shift in transactions and a connection spike; the
 * anomalies, their root-cause hints and the expected bands planted in the server's database as the scorer writes them.
 * The Anomalies screen lists them, the detail shows the band and the hints, feedback and settings reach the database, a
 * live anomaly event (published by the server) joins the list, a hint leads to the statement, and the dashboard shades
 * the band and marks the anomalies. With {@code -Dpga.screenshots=DIR} it saves docs/images/22-anomalies.png,
 * 23-dashboard-bands.png and 24-anomaly-detail.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnomaliesEndToEndTest {
    private static final Duration HISTORY = Duration.ofMinutes(150);
    private static TestServer server;
    private static CompositionRoot root;
    private static FxRobot robot;
    private static Stage stage;
    private static ConsoleApi other;
    private static long instanceId;
    private static long levelShift;
    private static long spike;
    private static Instant now;

    @BeforeAll
    static void start() throws Exception {
        // the scorer off: the anomalies, bands and hints this test shows are the ones it plants with SQL (a scorer would
        // find its own in the workload and hold the one open row per series the test plants)
        server = TestServer.start("console_anomalies", Map.of("anomaly.enabled", "false"));
        Workload workload = Workload.register(server);
        now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant shiftFrom = now.minus(Duration.ofMinutes(50));
        Instant shiftTo = now.minus(Duration.ofMinutes(38));
        Instant spikeFrom = now.minus(Duration.ofMinutes(8));
        Random random = new Random(16);
        for (Instant at = now.minus(HISTORY); !at.isAfter(now); at = at.plus(Duration.ofMinutes(1))) {
            double commits = baseline(at) + random.nextGaussian() * 18;
            if (!at.isBefore(shiftFrom) && at.isBefore(shiftTo)) {
                commits *= 3.3;
            }
            long connections = 12 + Math.round(random.nextGaussian() * 1.2);
            if (!at.isBefore(spikeFrom)) {
                connections = 19 + Duration.between(spikeFrom, at).toMinutes() * 2;
            }
            workload.send(at, Math.round(commits), connections);
        }
        HttpConnector connector = new HttpConnector(new ConsoleHome(Files.createTempDirectory("pga-console-anomalies-other-")));
        ServerAddress address = ServerAddress.parse(server.url());
        connector.trust(connector.probe(address));
        other = connector.open(address);
        other.login("admin", TestServers.ADMIN_PASSWORD);
        try (Connection c = server.database()) {
            instanceId = AnomalyRows.instanceId(c, Workload.INSTANCE);
            plant(c, shiftFrom, shiftTo, spikeFrom);
        }
        Path home = Files.createTempDirectory("pga-console-anomalies-");
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            root = new CompositionRoot(new ConsoleHome(home), page -> {
                throw new IllegalStateException("no browser in this test");
            }, (suggested, format) -> Optional.empty());
            root.start(stage);
            stage.setWidth(1500);
            stage.setHeight(940);
        });
        robot = new FxRobot();
        BackupsEndToEndTest.signIn(robot, server);
    }

    /** Commits per minute of the steady workload: a slow wave around 540. */
    private static double baseline(Instant at) {
        return 540 + 110 * Math.sin(2 * Math.PI * at.getEpochSecond() / 5400.0);
    }

    private static void plant(Connection c, Instant shiftFrom, Instant shiftTo, Instant spikeFrom) throws Exception {
        // the band in the series' own unit: the server's tps over the steady minutes, per commit sent
        List<SeriesPoint> tps = other.series(instanceId, "tps", now.minus(HISTORY), now.plusSeconds(60)).points();
        double perCommit = tps.stream().filter(p -> p.value() != null && p.time().isBefore(shiftFrom.minus(Duration.ofMinutes(5))))
                .mapToDouble(p -> p.value() / baseline(p.time())).sorted().skip(tps.size() / 4).findFirst().orElse(1.0 / 60);
        AnomalyRows.band(c, instanceId, "tps", now.minus(HISTORY), now.plusSeconds(60), at -> {
            double expected = baseline(at) * perCommit;
            return new AnomalyRows.Band(expected, expected * 0.82, expected * 1.18);
        });
        AnomalyRows.band(c, instanceId, "connections", now.minus(HISTORY), now.plusSeconds(60), at -> new AnomalyRows.Band(12, 8.5, 15.5));
        Instant peak = shiftFrom.plus(Duration.ofMinutes(5));
        double expectedAtPeak = baseline(peak) * perCommit;
        levelShift = AnomalyRows.anomaly(c, instanceId, "tps", AnomalyView.LEVEL_SHIFT, AnomalyView.CRITICAL, shiftFrom, shiftTo.minusSeconds(60),
                peak, 9.6, expectedAtPeak, expectedAtPeak * 0.82, expectedAtPeak * 1.18, expectedAtPeak * 3.3, 12, List.of(
                        new AnomalyHint(1, AnomalyHint.STATEMENT, Workload.STATEMENT, "calls 9.1/s -> 30.4/s, moved 1 min before",
                                "query:" + Workload.QUERYID, 0.92, shiftFrom.minusSeconds(60)),
                        new AnomalyHint(2, AnomalyHint.METRIC, "connections", "rose with it (r = 0.87)", "series:connections", 0.71, shiftFrom),
                        new AnomalyHint(3, AnomalyHint.AUTOVACUUM, "shop.public.orders", "autovacuum ran in the window; 3,400 dead tuples",
                                "table:shop.public.orders", 0.44, shiftFrom.plusSeconds(240)),
                        new AnomalyHint(4, AnomalyHint.SETTING, "work_mem", "changed 4MB -> 1MB 3 min before", "setting:work_mem", 0.31,
                                shiftFrom.minusSeconds(180))));
        spike = AnomalyRows.anomaly(c, instanceId, "connections", AnomalyView.SPIKE, AnomalyView.WARNING, spikeFrom, null,
                now.minusSeconds(60), 5.1, 12.0, 8.5, 15.5, 33.0, 8, List.of(
                        new AnomalyHint(1, AnomalyHint.LOCK, "pid 4711 blocks 9 backends", "UPDATE orders SET status = $1 WHERE id = $2, "
                                + "idle in transaction for 6 min", "lock:4711", 0.81, spikeFrom.minusSeconds(60)),
                        new AnomalyHint(2, AnomalyHint.NEW_STATEMENT, "UPDATE orders SET status = $1 WHERE id = $2", "first seen 2 min before",
                                "query:77001", 0.52, spikeFrom.minusSeconds(120))));
        AnomalyRows.anomaly(c, instanceId, "statement_latency_ms:" + Workload.QUERYID, AnomalyView.TREND_CHANGE, AnomalyView.WARNING,
                now.minus(Duration.ofMinutes(140)), now.minus(Duration.ofMinutes(118)), now.minus(Duration.ofMinutes(121)), 4.4, 0.81, 0.55,
                1.1, 2.6, 22, List.of(new AnomalyHint(1, AnomalyHint.STATEMENT, Workload.STATEMENT, "rows per call 1 -> 40",
                        "query:" + Workload.QUERYID, 0.66, null)));
        AnomalyRows.anomaly(c, instanceId, "cache_hit_ratio", AnomalyView.SPIKE, AnomalyView.WARNING, now.minus(Duration.ofHours(20)),
                now.minus(Duration.ofHours(20)).plus(Duration.ofMinutes(6)), now.minus(Duration.ofHours(20)).plusSeconds(180), 6.3, 0.995,
                0.985, 1.0, 0.91, 6, List.of());
    }

    @AfterAll
    static void stop() throws TimeoutException {
        if (root != null) {
            FxToolkit.setupFixture(() -> root.close());
            FxToolkit.cleanupStages();
        }
        if (other != null) {
            other.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void theAnomaliesScreenListsTheFleetNewestFirst() throws Exception {
        robot.clickOn("#nav-anomalies");
        waitUntil(() -> table().getItems().size() == 4);
        AnomaliesViewModel.Row first = row(0);
        assertEquals(spike, first.id());
        assertEquals(levelShift, row(1).id());
        assertEquals("warning", first.severity());
        assertEquals(Workload.INSTANCE, first.instance());
        assertTrue(first.duration().startsWith("open · "), first.duration());
        assertEquals("critical", row(1).severity());
        assertEquals("level shift", row(1).kind());
        robot.interact(() -> table().getSelectionModel().select(0));
        waitUntil(() -> text("#anomaly-title").startsWith("Warning: spike"));
        waitUntil(() -> ((BandChart) node("#anomaly-chart")).band().size() > 10);
        shoot("22-anomalies");
    }

    @Test
    @Order(2)
    void theDetailShowsTheSeriesTheBandTheAnomalyAndTheRankedHints() throws Exception {
        robot.interact(() -> table().getSelectionModel().select(1));
        waitUntil(() -> text("#anomaly-title").startsWith("Critical level shift"));
        BandChart chart = (BandChart) node("#anomaly-chart");
        waitUntil(() -> chart.band().size() > 30 && !chart.getData().isEmpty() && chart.getData().getFirst().getData().size() > 30);
        waitUntil(() -> chart.markers().stream().anyMatch(m -> m.id() == levelShift));
        waitUntil(() -> robot.lookup("#hint-link-4").tryQuery().isPresent());
        assertEquals("Open the statement", text("#hint-link-1"));
        assertEquals("Open the table", text("#hint-link-3"));
        robot.interact(() -> ((SplitPane) robot.lookup(".split-pane").queryAll().stream().filter(n -> n instanceof SplitPane)
                .findFirst().orElseThrow()).setDividerPositions(0.24));
        shoot("24-anomaly-detail");
    }

    @Test
    @Order(3)
    void feedbackIsStoredOnTheServerWithItsComment() throws Exception {
        robot.interact(() -> ((TextInputControl) node("#anomaly-comment")).setText("release 4.2 shipped an N+1 query"));
        robot.clickOn("#feedback-real");
        waitUntil(() -> text("#anomaly-feedback").equals("Feedback: this was real."));
        waitUntil(() -> "real".equals(row(1).feedback()));
        try (Connection c = server.database(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT f.verdict, f.comment, a.feedback FROM anomaly_feedback f JOIN anomaly a ON a.id = f.anomaly_id"
                     + " WHERE a.id = " + levelShift)) {
            assertTrue(rs.next(), "a feedback row");
            assertEquals("real", rs.getString(1));
            assertEquals("release 4.2 shipped an N+1 query", rs.getString(2));
            assertEquals("real", rs.getString(3));
        }
    }

    @Test
    @Order(4)
    void anAnomalyPublishedByTheServerJoinsTheListLive() throws Exception {
        long planted;
        try (Connection c = server.database()) {
            planted = AnomalyRows.anomaly(c, instanceId, "deadlocks", AnomalyView.SPIKE, AnomalyView.CRITICAL, now.minusSeconds(60), null,
                    now.minusSeconds(60), 12.0, 0.0, 0.0, 0.4, 3.0, 1, List.of());
        }
        AnomalyView view = other.anomalies().anomaly(planted);
        server.server().anomalies().events().changed(view);
        waitUntil(() -> table().getItems().stream().anyMatch(r -> r.id() == planted));
        assertEquals(planted, row(0).id(), "the newest first");
    }

    @Test
    @Order(5)
    void aHintLeadsToItsStatementInTheQueryInsights() {
        robot.interact(() -> table().getSelectionModel().select(table().getItems().stream()
                .filter(r -> r.id() == levelShift).findFirst().orElseThrow()));
        waitUntil(() -> robot.lookup("#hint-link-1").tryQuery().isPresent() && text("#anomaly-title").startsWith("Critical"));
        robot.clickOn("#hint-link-1");
        waitUntil(() -> robot.lookup("#instance-tabs").tryQuery().isPresent());
        TabPane tabs = (TabPane) node("#instance-tabs");
        waitUntil(() -> "tab-queries".equals(tabs.getSelectionModel().getSelectedItem().getId()));
        TableView<?> queries = (TableView<?>) node("#queries-table");
        waitUntil(() -> queries.getSelectionModel().getSelectedItem() instanceof QueryStat q && q.queryid() == Workload.QUERYID);
    }

    @Test
    @Order(6)
    void theDashboardShadesTheBandMarksTheAnomaliesAddsLiveOnesAndAMarkerOpensItsDetail() throws Exception {
        robot.interact(() -> ((TabPane) node("#instance-tabs")).getSelectionModel().select(0));
        BandChart tps = (BandChart) node("#chart-tps");
        waitUntil(() -> tps.band().size() > 30 && tps.markers().stream().anyMatch(m -> m.id() == levelShift));
        BandChart connections = (BandChart) node("#chart-connections");
        waitUntil(() -> connections.markers().stream().anyMatch(m -> m.id() == spike));
        shoot("23-dashboard-bands");
        long live;
        try (Connection c = server.database()) {
            live = AnomalyRows.anomaly(c, instanceId, "tps", AnomalyView.SPIKE, AnomalyView.WARNING, now.minusSeconds(120), null,
                    now.minusSeconds(60), 4.8, 9.0, 7.4, 10.6, 16.0, 2, List.of());
        }
        server.server().anomalies().events().changed(other.anomalies().anomaly(live));
        waitUntil(() -> tps.markers().stream().anyMatch(m -> m.id() == live));
        robot.clickOn("#anomaly-marker-" + levelShift);
        waitUntil(() -> robot.lookup("#anomalies-table").tryQuery().isPresent());
        waitUntil(() -> text("#anomaly-title").startsWith("Critical level shift"));
    }

    @Test
    @Order(7)
    @SuppressWarnings("unchecked")
    void operatorsSetTheSensitivityAndAddAndRemoveExclusions() throws Exception {
        robot.interact(() -> ((TabPane) node("#anomalies-tabs")).getSelectionModel().select(1));
        waitUntil(() -> text("#anomaly-learning").startsWith("Learning") || text("#anomaly-learning").startsWith("Detecting"));
        robot.interact(() -> ((ComboBox<String>) robot.lookup("#anomaly-sensitivity").query()).setValue("high"));
        robot.clickOn("#anomaly-sensitivity-save");
        waitUntil(() -> text("#anomaly-settings-status").contains("set to high"));
        assertEquals("high", single("SELECT sensitivity FROM anomaly_settings WHERE instance_id = " + instanceId));
        robot.interact(() -> {
            ((ComboBox<String>) robot.lookup("#exclusion-series").query()).setValue("tps");
            ((TextInputControl) node("#exclusion-from")).setText("2026-12-24 18:00");
            ((TextInputControl) node("#exclusion-to")).setText("2026-12-26 08:00");
            ((TextInputControl) node("#exclusion-reason")).setText("holiday traffic");
        });
        robot.clickOn("#exclusion-add");
        TableView<?> exclusions = (TableView<?>) node("#anomaly-exclusions");
        waitUntil(() -> exclusions.getItems().size() == 1);
        assertEquals("holiday traffic", single("SELECT reason FROM anomaly_exclusion WHERE instance_id = " + instanceId + " AND series = 'tps'"));
        robot.clickOn(robot.lookup("#anomaly-exclusions .button").queryButton());
        waitUntil(() -> exclusions.getItems().isEmpty());
        assertEquals("0", single("SELECT count(*) FROM anomaly_exclusion WHERE instance_id = " + instanceId));
        assertFalse(text("#anomaly-settings-error").length() > 0, text("#anomaly-settings-error"));
    }

    // ---- helpers

    private static String single(String sql) throws Exception {
        try (Connection c = server.database(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @SuppressWarnings("unchecked")
    private static TableView<AnomaliesViewModel.Row> table() {
        return (TableView<AnomaliesViewModel.Row>) node("#anomalies-table");
    }

    private static AnomaliesViewModel.Row row(int index) {
        return table().getItems().get(index);
    }

    private static Node node(String query) {
        return robot.lookup(query).query();
    }

    private static String text(String query) {
        Node node = node(query);
        String text = node instanceof Labeled labeled ? labeled.getText() : ((TextInputControl) node).getText();
        return text == null ? "" : text;
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
        WritableImage shot = image.get();
        int width = (int) shot.getWidth();
        int height = (int) shot.getHeight();
        BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = shot.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                buffered.setRGB(x, y, pixels.getArgb(x, y) & 0xffffff);
            }
        }
        ImageIO.write(buffered, "png", Files.createDirectories(Path.of(dir)).resolve(name + ".png").toFile());
    }
}

package io.pganalytics.console.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.console.common.ConsoleHome;
import io.pganalytics.console.common.ui.Theme;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The window's place, size and theme, remembered in {@code <console home>/window.json}. */
final class WindowSettings {
    private static final Logger LOG = LoggerFactory.getLogger(WindowSettings.class);

    record Saved(double x, double y, double width, double height, boolean maximized, Theme theme) {
        static final Saved DEFAULT = new Saved(Double.NaN, Double.NaN, 1360, 860, false, Theme.LIGHT);
    }

    private final ConsoleHome home;
    private final Path file;
    private final ObjectMapper mapper = JsonMapping.newMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    WindowSettings(ConsoleHome home) {
        this.home = home;
        this.file = home.resolve("window.json");
    }

    Saved load() {
        if (!Files.exists(file)) {
            return Saved.DEFAULT;
        }
        try {
            Saved saved = mapper.readValue(file.toFile(), Saved.class);
            return saved.theme() == null ? new Saved(saved.x(), saved.y(), saved.width(), saved.height(), saved.maximized(), Theme.LIGHT) : saved;
        } catch (IOException e) {
            LOG.warn("{}: unreadable, using the default window", file, e);
            return Saved.DEFAULT;
        }
    }

    void save(Saved saved) {
        try {
            home.writeOwnerOnly(file, mapper.writeValueAsBytes(saved));
        } catch (IOException e) {
            LOG.warn("{}: could not save the window's place", file, e);
        }
    }
}

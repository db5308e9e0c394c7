package io.pganalytics.console.common.ui;

import javafx.scene.Scene;

import java.util.Objects;

/**
 * Light and dark, from one stylesheet: {@code console.css} defines every colour as a looked-up colour on
 * {@code .root} and overrides them under {@code .root.theme-dark}; no other rule names a colour.
 */
public enum Theme {
    LIGHT, DARK;

    public static final String STYLESHEET = Objects.requireNonNull(Theme.class.getResource("/io/pganalytics/console/console.css")).toExternalForm();

    public void applyTo(Scene scene) {
        if (!scene.getStylesheets().contains(STYLESHEET)) {
            scene.getStylesheets().add(STYLESHEET);
        }
        scene.getRoot().getStyleClass().remove("theme-dark");
        if (this == DARK) {
            scene.getRoot().getStyleClass().add("theme-dark");
        }
    }

    public Theme other() {
        return this == LIGHT ? DARK : LIGHT;
    }
}

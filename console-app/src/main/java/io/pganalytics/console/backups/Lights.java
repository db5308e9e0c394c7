package io.pganalytics.console.backups;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.shape.Circle;

import java.util.function.Function;

/** Status lights for the Backups screen's views: a circle whose colour the stylesheet gives each {@link Light}. */
final class Lights {
    private Lights() {
    }

    static Circle light(ObservableValue<Light> light) {
        Circle circle = new Circle(6);
        circle.getStyleClass().add("status-light");
        paint(circle, light.getValue());
        light.addListener((o, was, now) -> paint(circle, now));
        return circle;
    }

    static void paint(Circle circle, Light light) {
        circle.getStyleClass().removeIf(c -> c.startsWith("status-") && !c.equals("status-light"));
        circle.getStyleClass().add((light == null ? Light.UNKNOWN : light).styleClass());
    }

    /** A column showing a light and a word ("complete", "passed"). */
    static <T> TableColumn<T, T> column(String title, Function<T, Light> light, Function<T, String> text, double width) {
        TableColumn<T, T> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(cell.getValue()));
        column.setCellFactory(c -> new TableCell<>() {
            private final Circle circle = new Circle(5);

            {
                circle.getStyleClass().add("status-light");
            }

            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setText(null);
                    setGraphic(null);
                } else {
                    paint(circle, light.apply(item));
                    setGraphic(circle);
                    setText(text.apply(item));
                }
            }
        });
        column.setPrefWidth(width);
        return column;
    }
}

/** Start-up: the JavaFX application, the composition root that wires every feature, and navigation between screens. */
package io.pganalytics.console.app;

package io.pganalytics.console.alerting;

import io.pganalytics.common.auth.Role;
import javafx.scene.control.Tab;

import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The alerting configuration as tabs for a host screen (the Alerts screen): Rules, Maintenance, On-call and
 * Effectiveness, each built from its view-model on one {@link AlertingService}; {@link #tabs()} builds them and reads
 * their data, and a tab reads again each time it is chosen.
 */
public final class AlertingTabs {
    private final RulesViewModel rules;
    private final MaintenanceViewModel maintenance;
    private final OnCallViewModel onCall;
    private final EffectivenessViewModel effectiveness;

    /** Operators and admins may change rules, windows and overrides; every role reads. */
    public AlertingTabs(AlertingService service, Set<Role> roles, Clock clock) {
        boolean mayOperate = Role.anyGrants(roles, Role.OPERATOR);
        this.rules = new RulesViewModel(service, mayOperate);
        this.maintenance = new MaintenanceViewModel(service, mayOperate);
        this.onCall = new OnCallViewModel(service, mayOperate, clock);
        this.effectiveness = new EffectivenessViewModel(service);
    }

    /** The four tabs, their data asked for. */
    public List<Tab> tabs() {
        Tab rulesTab = tab("Rules", "tab-alert-rules", new RulesView(rules).build());
        Tab maintenanceTab = tab("Maintenance", "tab-alert-maintenance", new MaintenanceView(maintenance).build());
        Tab onCallTab = tab("On-call", "tab-alert-oncall", new OnCallView(onCall).build());
        Tab effectivenessTab = tab("Effectiveness", "tab-alert-effectiveness", new EffectivenessView(effectiveness).build());
        rules.start();
        maintenance.start();
        onCall.load();
        effectiveness.load();
        rulesTab.setOnSelectionChanged(e -> reloadIfChosen(rulesTab, rules::load));
        maintenanceTab.setOnSelectionChanged(e -> reloadIfChosen(maintenanceTab, maintenance::load));
        onCallTab.setOnSelectionChanged(e -> reloadIfChosen(onCallTab, onCall::load));
        effectivenessTab.setOnSelectionChanged(e -> reloadIfChosen(effectivenessTab, effectiveness::load));
        return List.of(rulesTab, maintenanceTab, onCallTab, effectivenessTab);
    }

    private static void reloadIfChosen(Tab tab, Runnable load) {
        if (tab.isSelected()) {
            load.run();
        }
    }

    private static Tab tab(String title, String id, javafx.scene.Node content) {
        Tab tab = new Tab(title, content);
        tab.setId(id);
        tab.setClosable(false);
        return tab;
    }

    public RulesViewModel rules() {
        return rules;
    }

    public MaintenanceViewModel maintenance() {
        return maintenance;
    }

    public OnCallViewModel onCall() {
        return onCall;
    }

    public EffectivenessViewModel effectiveness() {
        return effectiveness;
    }
}

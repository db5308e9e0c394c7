package io.pganalytics.console.admin;

import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.console.api.ApiException;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.Set;

/** The users tab: the list, a new user's form, and the selected user's roles, state and second factors. */
public final class UsersViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(UsersViewModel.class);

    private final AdminService service;
    private final ObservableList<UserView> users = FXCollections.observableArrayList();
    private final ObjectProperty<UserView> selected = new SimpleObjectProperty<>();
    private final ObservableSet<Role> selectedRoles = FXCollections.observableSet(EnumSet.noneOf(Role.class));
    private final StringProperty newUsername = new SimpleStringProperty("");
    private final StringProperty newDisplayName = new SimpleStringProperty("");
    private final StringProperty newPassword = new SimpleStringProperty("");
    private final ObjectProperty<Role> newRole = new SimpleObjectProperty<>(Role.VIEWER);
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");

    public UsersViewModel(AdminService service) {
        this.service = service;
        selected.addListener((o, was, user) -> selectedRoles.clear());
        selected.addListener((o, was, user) -> {
            if (user != null) {
                selectedRoles.addAll(user.roles());
            }
        });
    }

    public void load() {
        service.users(page -> {
            UserView keep = selected.get();
            users.setAll(page.items());
            if (keep != null) {
                users.stream().filter(u -> u.id() == keep.id()).findFirst().ifPresent(selected::set);
            }
        }, failure -> failed("Listing the users", failure));
    }

    public void create() {
        if (newUsername.get().isBlank() || newPassword.get().isEmpty()) {
            error.set("A new user needs a username and a password.");
            return;
        }
        CreateUserRequest request = new CreateUserRequest(newUsername.get().strip(),
                newDisplayName.get().isBlank() ? null : newDisplayName.get().strip(), newPassword.get(), Set.of(newRole.get()));
        service.createUser(request, user -> {
            newUsername.set("");
            newDisplayName.set("");
            newPassword.set("");
            done("Created " + user.username() + ".");
        }, failure -> {
            newPassword.set("");
            failed("Creating " + request.username(), failure);
        });
    }

    public void toggleEnabled() {
        UserView user = selected.get();
        if (user == null) {
            return;
        }
        boolean enable = !user.enabled();
        service.updateUser(user.id(), new UpdateUserRequest(null, null, null, enable),
                changed -> done((enable ? "Enabled " : "Disabled ") + changed.username() + "."),
                failure -> failed((enable ? "Enabling " : "Disabling ") + user.username(), failure));
    }

    public void saveRoles() {
        UserView user = selected.get();
        if (user == null) {
            return;
        }
        if (selectedRoles.isEmpty()) {
            error.set("A user needs at least one role.");
            return;
        }
        Set<Role> roles = EnumSet.copyOf(selectedRoles);
        service.updateUser(user.id(), new UpdateUserRequest(null, null, roles, null),
                changed -> done("Saved the roles of " + changed.username() + "."),
                failure -> failed("Changing the roles of " + user.username(), failure));
    }

    /** Deletes the selected user; the server asks the person to confirm first (the dialog shows its summary). */
    public void delete() {
        UserView user = selected.get();
        if (user == null) {
            return;
        }
        service.deleteUser(user.id(), ok -> {
            selected.set(null);
            done("Deleted " + user.username() + ".");
        }, failure -> failed("Deleting " + user.username(), failure));
    }

    public void resetMfa() {
        UserView user = selected.get();
        if (user == null) {
            return;
        }
        service.resetMfa(user.id(), ok -> done("Removed the second factors of " + user.username() + ": they enrol again at the next sign-in."),
                failure -> failed("Resetting the second factors of " + user.username(), failure));
    }

    private void done(String sentence) {
        error.set("");
        status.set(sentence);
        load();
    }

    private void failed(String what, Throwable failure) {
        status.set("");
        if (failure instanceof AdminService.Cancelled cancelled) {
            error.set("");
            status.set(cancelled.getMessage());
        } else if (failure instanceof ApiException e) {
            LOG.info("{}: {}", what, e.getMessage());
            error.set(what + " failed: " + e.getMessage());
        } else {
            LOG.error(what, failure);
            error.set(what + " failed: " + failure.getMessage());
        }
    }

    public ObservableList<UserView> users() {
        return users;
    }

    public ObjectProperty<UserView> selectedProperty() {
        return selected;
    }

    /** The roles ticked for the selected user (saved by {@link #saveRoles}). */
    public ObservableSet<Role> selectedRoles() {
        return selectedRoles;
    }

    public StringProperty newUsernameProperty() {
        return newUsername;
    }

    public StringProperty newDisplayNameProperty() {
        return newDisplayName;
    }

    public StringProperty newPasswordProperty() {
        return newPassword;
    }

    public ObjectProperty<Role> newRoleProperty() {
        return newRole;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}

package io.pganalytics.helm;

import java.util.List;
import java.util.Map;

/** The value combinations every chart test renders: the defaults and the matrix of the issue. */
public final class Cases {
    public static final String TOKENS = "collector-tokens";

    private Cases() {
    }

    public record Case(String name, Map<String, Object> values) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static final Case DEFAULTS = new Case("defaults (bundled database)", Map.of());

    public static final Case EXTERNAL_DATABASE = new Case("external database", Chart.values(
            "postgresql.enabled", false,
            "database.external.host", "db.example.com",
            "database.external.password", "a-database-password",
            "database.external.cidr", "10.20.30.40/32"));

    public static final Case EXTERNAL_DATABASE_SECRET = new Case("external database, existing secret, verify-full", Chart.values(
            "postgresql.enabled", false,
            "database.external.host", "db.example.com",
            "database.external.sslMode", "verify-full",
            "database.external.existingSecret", "db-credentials",
            "database.external.existingSecretKey", "pg-password"));

    public static final Case INGRESS = new Case("ingress on", Chart.values(
            "ingress.enabled", true,
            "ingress.host", "pga.example.com",
            "ingress.tlsSecret", "pga-example-tls",
            "server.trustedProxies", List.of("10.0.0.0/8")));

    public static final Case AUTOSCALING = new Case("autoscaling on, shared key store", Chart.values(
            "autoscaling.enabled", true,
            "encryption.keystore.existingSecret", "pganalytics-kek"));

    public static final Case PROMETHEUS_OPERATOR = new Case("Prometheus Operator and VPA present", Chart.values(
            "apiVersions", List.of("monitoring.coreos.com/v1", "autoscaling.k8s.io/v1"),
            "metrics.serviceMonitor.enabled", true,
            "metrics.prometheusRule.enabled", true,
            "verticalPodAutoscaler.enabled", true));

    public static final Case COLLECTORS_DAEMONSET = new Case("collectors as a DaemonSet", Chart.values(
            "collectors.registrationSecret", TOKENS,
            "collectors.daemonSet.enabled", true,
            "collectors.daemonSet.nodeSelector", Map.of("pganalytics.io/database", "true"),
            "collectors.daemonSet.target.passwordSecret", "local-monitoring-role",
            "collectors.daemonSet.dataDirectoryHostPath", "/var/lib/postgresql/17/main",
            "collectors.keysExistingSecret", "collector-keys"));

    public static final Case COLLECTORS_DEPLOYMENT = new Case("collectors as a Deployment", Chart.values(
            "collectors.registrationSecret", TOKENS,
            "collectors.deployment.enabled", true,
            "collectors.deployment.targets", List.of(
                    Map.of("name", "orders-rds", "url", "postgresql://pganalytics@orders.abc.eu-west-1.rds.amazonaws.com:5432/postgres?sslmode=require",
                            "passwordSecret", "orders-monitoring"),
                    Map.of("name", "billing", "url", "postgresql://pganalytics@billing.example.com:5432/postgres"))));

    public static final Case THREE_NODES = new Case("three nodes, hard anti-affinity, LoadBalancer", Chart.values(
            "server.replicaCount", 3,
            "server.podAntiAffinity", "hard",
            "encryption.keystore.existingSecret", "pganalytics-kek",
            "service.type", "LoadBalancer",
            "service.loadBalancerSourceRanges", List.of("192.0.2.0/24")));

    public static final List<Case> ALL = List.of(DEFAULTS, EXTERNAL_DATABASE, EXTERNAL_DATABASE_SECRET, INGRESS, AUTOSCALING,
            PROMETHEUS_OPERATOR, COLLECTORS_DAEMONSET, COLLECTORS_DEPLOYMENT, THREE_NODES);

    /** Secrets the cases name that the chart does not create (the operator's). */
    public static final List<String> EXTERNAL_SECRETS = List.of("db-credentials", "pganalytics-kek", TOKENS, "local-monitoring-role",
            "orders-monitoring", "pga-example-tls", "collector-keys");
}

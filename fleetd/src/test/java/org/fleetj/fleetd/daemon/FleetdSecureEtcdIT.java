package org.fleetj.fleetd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.fleetj.fleetd.MachineIdentity;
import org.fleetj.fleetd.config.ConfigLoader;
import org.fleetj.fleetd.config.FleetConfig;
import org.fleetj.fleetd.systemd.BusTarget;
import org.fleetj.fleetd.systemd.DbusSystemdManager;
import org.fleetj.fleetd.systemd.NamespaceMachine;
import org.fleetj.fleetd.systemd.SystemdSettings;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdRegistry;
import org.fleetj.registry.etcd.Etcdctl;
import org.fleetj.registry.etcd.TestCertificates;
import org.fleetj.testkit.EtcdServer;
import org.fleetj.testkit.EtcdTls;
import org.fleetj.unit.TargetState;
import org.fleetj.unit.UnitFile;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * fleetd itself (config from a fleet.conf, the real etcd registry opener, a real systemd machine) against an etcd
 * that serves only TLS, requires client certificates and has authentication on with a role limited to fleet's
 * prefix: the machine joins and a unit submitted through the same secured etcd runs in the machine's systemd.
 * Everything fleetd logs meanwhile, at the most verbose level, is captured: the password never appears.
 */
class FleetdSecureEtcdIT {
    private static final String PASSWORD = "s3cret-Fleet-pass";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void fleetdJoinsAndRunsUnitsOverTlsWithClientCertsAndPasswordAndNeverLogsThePassword() throws Exception {
        LogCapture logs = LogCapture.attach();
        try (TestCertificates certs = TestCertificates.create();
             EtcdServer etcd = EtcdServer.builder().tls(new EtcdTls(certs.caCert, certs.serverCert, certs.serverKey)).start();
             NamespaceMachine machine = NamespaceMachine.boot(Path.of("target", "secure-etcd-it"), Duration.ofSeconds(30))) {
            Etcdctl ctl = Etcdctl.at(etcd.endpoint()).withTls(certs.caCert.toString(), certs.clientCert.toString(), certs.clientKey.toString());
            ctl.run("user", "add", "root:root-" + PASSWORD);
            ctl.run("role", "add", "fleet");
            ctl.run("role", "grant-permission", "fleet", "--prefix=true", "readwrite", "/secure/");
            ctl.run("user", "add", "fleet:" + PASSWORD);
            ctl.run("user", "grant-role", "fleet", "fleet");
            ctl.run("auth", "enable");

            Path scratch = Files.createDirectories(Path.of("target", "secure-etcd-it", machine.name() + "-host").toAbsolutePath());
            Path conf = Files.writeString(scratch.resolve("fleet.conf"), String.join("\n",
                    "etcd_servers=" + etcd.endpoint(),
                    "etcd_key_prefix=/secure/",
                    "etcd_cafile=" + certs.caCert,
                    "etcd_certfile=" + certs.clientCert,
                    "etcd_keyfile=" + certs.clientKey,
                    "etcd_username=fleet",
                    "etcd_password=" + PASSWORD,
                    "etcd_request_timeout=2.0",
                    "api_socket=" + scratch.resolve("fleet.sock"),
                    "public_ip=10.99.0.8",
                    "agent_ttl=5s",
                    "engine_reconcile_interval=0.5",
                    "verbosity=2",
                    "") + "\n");
            FleetConfig config = new ConfigLoader().load(List.of("--config", conf.toString()), Map.of());
            Logging.applyVerbosity(config.verbosity());
            SystemdSettings settings = SystemdSettings.forFleetConfig(false, config.unitsDirectory())
                    .withBus(BusTarget.address(machine.busAddress())).withHostRoot(machine.root());
            FleetDaemon daemon = new FleetDaemon(config, new MachineIdentity(machine.machineId(), machine.name()),
                    RegistryOpener.ETCD, c -> DbusSystemdManager.connect(settings));
            EtcdConfig client = EtcdConfig.builder().endpoints(etcd.endpoint()).keyPrefix("/secure/").requestTimeout(Duration.ofSeconds(2))
                    .caFile(certs.caCert).certFile(certs.clientCert).keyFile(certs.clientKey).username("fleet").password(PASSWORD).build();
            try (EtcdRegistry user = EtcdRegistry.open(client)) {
                daemon.start();
                await("the machine joined through the secured etcd", () -> user.machines().stream().anyMatch(m -> m.id().equals(id(machine))));
                user.createJob("secure.service", UnitFile.parse("[Service]\nExecStart=/bin/sleep 1000\n"), TargetState.LAUNCHED);
                await("secure.service active in the machine's systemd", () -> active(machine, "secure.service"));
                await("its state published", () -> user.unitStates().stream()
                        .anyMatch(s -> s.name().equals("secure.service") && s.activeState().equals("active")));
                user.destroyJob("secure.service");
                await("secure.service stopped", () -> !active(machine, "secure.service"));
            } finally {
                daemon.close();
                Logging.applyVerbosity(0);
            }
            String etcdView = Etcdctl.at(etcd.endpoint()).withTls(certs.caCert.toString(), certs.clientCert.toString(), certs.clientKey.toString())
                    .withUser("root", "root-" + PASSWORD).run("get", "/secure/", "--prefix", "--keys-only");
            assertTrue(etcdView.contains("/secure/unit/"), "fleet's keys live under the granted prefix: " + etcdView);
        } finally {
            logs.detach();
        }
        String all = logs.text();
        assertTrue(all.contains("starting on machine") && all.contains("etcd_password=(set)"), "fleetd's start line was captured: " + all.lines().limit(5).toList());
        assertTrue(all.lines().count() > 20, "a verbose log was captured (" + all.lines().count() + " lines)");
        assertFalse(all.contains(PASSWORD), "the etcd password appears in fleetd's log");
    }

    private static String id(NamespaceMachine m) {
        try {
            return m.machineId();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean active(NamespaceMachine m, String unit) {
        try {
            return m.shAnyExit("systemctl is-active " + unit).equals("active");
        } catch (Exception e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        // the registry may refuse while the daemon is still joining: such a refusal means "not yet"
        org.awaitility.Awaitility.await(what).atMost(PATIENCE).pollInterval(java.time.Duration.ofMillis(100))
                .ignoreExceptions().until(condition::getAsBoolean);
    }

    /** Every event logged through logback (any logger, any level), formatted with its throwable. */
    private static final class LogCapture extends AppenderBase<ILoggingEvent> {
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        static LogCapture attach() {
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            LogCapture c = new LogCapture();
            c.setContext(ctx);
            c.setName("capture");
            c.start();
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(c);
            return c;
        }

        void detach() {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
            stop();
        }

        @Override
        protected void append(ILoggingEvent e) {
            String line = e.getLoggerName() + " " + e.getLevel() + " " + e.getFormattedMessage();
            if (e.getThrowableProxy() != null) line += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
            lines.add(line);
        }

        String text() {
            return String.join("\n", lines);
        }
    }
}

package org.fleetj.fleetctl.client.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.fleetj.api.ApiJobResult;
import org.fleetj.api.ApiMachine;
import org.fleetj.api.ApiRollout;
import org.fleetj.api.ApiRolloutRequest;
import org.fleetj.api.ApiUnit;
import org.fleetj.api.ApiUnitFailures;
import org.fleetj.api.ApiUnitState;
import org.fleetj.api.ApiUnreadableRecord;
import org.fleetj.fleetctl.client.FleetClient;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.PlacementView;
import org.fleetj.fleetctl.client.api.TlsFiles;
import org.fleetj.registry.etcd.EtcdConfig;
import org.fleetj.registry.etcd.EtcdKeyLayout;
import org.fleetj.registry.etcd.EtcdListing;

/**
 * The etcd driver for the list commands fleetctl's quick path runs: machines, units and unit states read through
 * etcd's JSON gateway ({@link EtcdJsonGateway}) and turned into records by the registry's own rules
 * ({@link EtcdListing}, then {@link RegistryFleetClient}'s conversions), so such a command never loads jetcd.
 * Everything else, and any read the gateway cannot answer (etcd unreachable, refused, asking for credentials),
 * goes to the jetcd driver, opened then: its answers and its error messages are the etcd driver's.
 */
public final class EtcdListClient implements FleetClient {
    private final EtcdJsonGateway gateway;
    private final EtcdListing listing;
    private final Supplier<FleetClient> jetcdDriver;
    private final Consumer<String> debug;
    private FleetClient full;

    private EtcdListClient(EtcdJsonGateway gateway, EtcdListing listing, Supplier<FleetClient> jetcdDriver, Consumer<String> debug) {
        this.gateway = gateway;
        this.listing = listing;
        this.jetcdDriver = jetcdDriver;
        this.debug = debug;
    }

    /**
     * The light client, or empty when these settings are not plain enough for it (then the jetcd driver alone answers,
     * and words any problem with them): every endpoint {@code http} without TLS files, or every endpoint {@code https}
     * with a CA file (and a client certificate and key) that read.
     *
     * @param jetcdDriver opens the jetcd driver for the same settings, when needed
     */
    public static Optional<FleetClient> open(String endpoints, String prefix, TlsFiles tls, long requestTimeoutMillis,
                                             Supplier<FleetClient> jetcdDriver, Consumer<String> debug) {
        EtcdConfig config;
        try {
            EtcdConfig.Builder b = EtcdConfig.builder().endpoints(endpoints).keyPrefix(prefix)
                    .requestTimeout(Duration.ofMillis(Math.max(1, requestTimeoutMillis)));
            if (!tls.caFile().isEmpty()) b.caFile(Path.of(tls.caFile()));
            if (!tls.certFile().isEmpty()) b.certFile(Path.of(tls.certFile()));
            if (!tls.keyFile().isEmpty()) b.keyFile(Path.of(tls.keyFile()));
            config = b.build();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        boolean https = config.endpoints().stream().allMatch(u -> "https".equals(u.getScheme()));
        boolean http = config.endpoints().stream().allMatch(u -> "http".equals(u.getScheme()));
        SSLSocketFactory socketFactory = null;
        if (config.tls()) {
            if (!https || tls.caFile().isEmpty()) return Optional.empty();
            try {
                socketFactory = tls.socketFactory();
            } catch (FleetClientException e) {
                return Optional.empty();
            }
        } else if (!http) {
            return Optional.empty();
        }
        List<URI> uris = config.endpoints();
        debug.accept("etcd driver: lists through etcd's JSON gateway at " + config.endpointList());
        EtcdJsonGateway gateway = new EtcdJsonGateway(uris, (int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis()),
                socketFactory);
        return Optional.of(new EtcdListClient(gateway, new EtcdListing(new EtcdKeyLayout(config.keyPrefix()), EtcdListing.QUIET),
                jetcdDriver, debug));
    }

    @Override
    public List<ApiMachine> machines() {
        return machines(r -> { });
    }

    @Override
    public List<ApiMachine> machines(Consumer<ApiUnreadableRecord> unreadable) {
        return listed(jetcd -> jetcd.machines(unreadable), read -> RegistryFleetClient.machines(listing.machines(read.get(0),
                        read.get(1), read.get(2), r -> unreadable.accept(RegistryFleetClient.api(r)))),
                range(EtcdKeyLayout.MACHINE, false), range(EtcdKeyLayout.MACHINE_META, false), range(EtcdKeyLayout.MACHINE_CONTROL, false));
    }

    @Override
    public List<ApiUnit> units() {
        return units(r -> { });
    }

    @Override
    public List<ApiUnit> units(Consumer<ApiUnreadableRecord> unreadable) {
        return listed(jetcd -> jetcd.units(unreadable), read -> {
            Map<String, org.fleetj.unit.UnitFile> bodies = listing.bodies(read.get(2));
            return RegistryFleetClient.units(listing.jobs(EtcdKeyLayout.JOB, read.get(0), read.get(1), hashes -> bodies,
                    r -> unreadable.accept(RegistryFleetClient.api(r))), listing.unitStates(read.get(3), r -> { }));
        }, range(EtcdKeyLayout.JOB, false), range(EtcdKeyLayout.SCHEDULE, true), range(EtcdKeyLayout.UNIT, false),
                range(EtcdKeyLayout.STATE, false));
    }

    @Override
    public List<ApiUnitState> unitStates() {
        return unitStates(r -> { });
    }

    @Override
    public List<ApiUnitState> unitStates(Consumer<ApiUnreadableRecord> unreadable) {
        return listed(jetcd -> jetcd.unitStates(unreadable), read -> RegistryFleetClient.unitStates(listing.unitStates(read.get(0),
                r -> unreadable.accept(RegistryFleetClient.api(r)))), range(EtcdKeyLayout.STATE, false));
    }

    /** The prefixes read through the gateway and decoded; through jetcd when the gateway does not answer. */
    private <T> T listed(Function<FleetClient, T> viaJetcd, Function<List<List<EtcdListing.Entry>>, T> decode,
                         EtcdJsonGateway.Range... ranges) {
        List<List<EtcdListing.Entry>> read;
        try {
            read = gateway.read(ranges);
        } catch (EtcdJsonGateway.Unavailable e) {
            return viaJetcd.apply(jetcd(e));
        }
        return decode.apply(read);
    }

    private EtcdJsonGateway.Range range(String section, boolean keysOnly) {
        return new EtcdJsonGateway.Range(listing.layout().of(section), keysOnly);
    }

    private FleetClient jetcd(Exception why) {
        debug.accept("etcd driver: the JSON gateway did not answer (" + why.getMessage() + "); asking through jetcd");
        return jetcd();
    }

    /** The jetcd driver, opened on first need. */
    private synchronized FleetClient jetcd() {
        if (full == null) full = jetcdDriver.get();
        return full;
    }

    // ---- everything else: the jetcd driver ----

    @Override
    public Optional<ApiUnit> unit(String name) {
        return jetcd().unit(name);
    }

    @Override
    public Optional<ApiUnitFailures> unitFailures(String name) {
        return jetcd().unitFailures(name);
    }

    @Override
    public Map<String, ApiJobResult> jobResults() {
        return jetcd().jobResults();
    }

    @Override
    public Optional<ApiJobResult> jobResult(String name) {
        return jetcd().jobResult(name);
    }

    @Override
    public void createUnit(ApiUnit unit) {
        jetcd().createUnit(unit);
    }

    @Override
    public void replaceUnit(ApiUnit unit) {
        jetcd().replaceUnit(unit);
    }

    @Override
    public void setUnitTargetState(String name, String desiredState) {
        jetcd().setUnitTargetState(name, desiredState);
    }

    @Override
    public boolean destroyUnit(String name) {
        return jetcd().destroyUnit(name);
    }

    @Override
    public PlacementView placement() {
        return jetcd().placement();
    }

    @Override
    public void setMachineAvailability(String machineId, String availability) {
        jetcd().setMachineAvailability(machineId, availability);
    }

    @Override
    public List<ApiRollout> rollouts() {
        return jetcd().rollouts();
    }

    @Override
    public Optional<ApiRollout> rollout(String unit) {
        return jetcd().rollout(unit);
    }

    @Override
    public ApiRollout startRollout(String unit, ApiRolloutRequest request) {
        return jetcd().startRollout(unit, request);
    }

    @Override
    public boolean steerRollout(String unit, String control) {
        return jetcd().steerRollout(unit, control);
    }

    @Override
    public synchronized void close() {
        if (full != null) full.close();
    }
}

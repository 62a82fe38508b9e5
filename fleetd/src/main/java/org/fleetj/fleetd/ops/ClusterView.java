package org.fleetj.fleetd.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.fleetj.api.ApiUnit;
import org.fleetj.fleetd.api.UnitViews;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.registry.Subscription;
import org.fleetj.registry.UnitState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole cluster as the dashboard shows it (machines, units with desired and current state, every machine's
 * systemd state of each unit), with a version that changes exactly when the content does. A client asks with
 * the version it has ({@code since=}) and is answered as soon as there is a newer one, or after
 * {@link #LONG_POLL} with the same: a long poll, so the page updates itself without polling hard.
 *
 * <p>While someone waits, the view is re-read on every registry change the engine sees ({@code watchCluster})
 * and every {@link #STATE_PERIOD} (unit states, which agents publish all the time, have no cheap watch). With no
 * one waiting, nothing is read. Waiters are answered from the refresher thread, not held on request threads, and
 * there are at most {@link #MAX_WAITERS} (more get 429).
 */
final class ClusterView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);
    static final Duration LONG_POLL = Duration.ofSeconds(25);
    static final Duration STATE_PERIOD = Duration.ofSeconds(1);
    static final int MAX_WAITERS = 512;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Registry registry;
    private final UnitViews views = new UnitViews();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleetd-cluster-view");
        t.setDaemon(true);
        return t;
    });
    private final List<Waiter> waiters = new ArrayList<>();
    private Subscription subscription;
    private long version;
    private byte[] content = new byte[0];
    private boolean ticking;

    private record Waiter(long since, long deadlineNanos, Response response, Callback callback) {
    }

    ClusterView(Registry registry) {
        this.registry = registry;
    }

    /** Answers now when {@code since} is not the current version, otherwise when it changes (or after the long poll). */
    void answer(long since, Response response, Callback callback) throws OpsException {
        long v;
        byte[] c;
        synchronized (this) {
            if (subscription == null) subscription = registry.watchCluster(this::refreshSoon);
            if (since != version || version == 0) refresh();
            if (since != version) {
                v = version;
                c = content;
            } else {
                if (waiters.size() >= MAX_WAITERS) throw new OpsException(429, "too many dashboard clients waiting for changes (" + MAX_WAITERS + "); retry later");
                waiters.add(new Waiter(since, System.nanoTime() + LONG_POLL.toNanos(), response, callback));
                if (!ticking) {
                    ticking = true;
                    refresher.schedule(this::tick, STATE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
        }
        send(response, callback, v, c);
    }

    private void refreshSoon() {
        refresher.execute(this::tick);
    }

    private void tick() {
        List<Waiter> due = new ArrayList<>();
        long v;
        byte[] c;
        synchronized (this) {
            if (waiters.isEmpty()) {
                ticking = false;
                return;
            }
            refresh();
            long now = System.nanoTime();
            waiters.removeIf(w -> {
                boolean answer = w.since() != version || now - w.deadlineNanos() >= 0;
                if (answer) due.add(w);
                return answer;
            });
            v = version;
            c = content;
            if (waiters.isEmpty()) {
                ticking = false;
            }
        }
        for (Waiter w : due) send(w.response(), w.callback(), v, c);
        synchronized (this) {
            if (!waiters.isEmpty() && !ticking) ticking = true;
            if (ticking) refresher.schedule(this::tick, STATE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Re-reads the registry; a new version only when the content changed. Caller holds the lock. */
    private void refresh() {
        Map<String, Object> view = new LinkedHashMap<>();
        try {
            view.put("machines", machines(registry.machines()));
            view.put("units", units(registry.jobs(), registry.unitStates(), registry.waitReasons()));
            view.put("engineLeader", registry.engineLeader().orElse(""));
            view.put("registry", "ok");
        } catch (RegistryException e) {
            LOG.debug("cluster view: registry unavailable: {}", e.getMessage());
            if (version > 0) return;   // keep showing the last view
            view.put("registry", "unavailable: " + e.getMessage());
        }
        byte[] next;
        try {
            next = JSON.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the cluster view", e);
        }
        if (!Arrays.equals(next, content)) {
            content = next;
            version++;
        }
    }

    private static List<Map<String, Object>> machines(List<MachineState> machines) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MachineState m : machines) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", m.id());
            e.put("primaryIP", m.publicIp());
            e.put("metadata", m.metadata());
            e.put("version", m.version());
            e.put("apiUrl", m.apiUrl());
            e.put("cpuMillis", m.capacity().cpuMillis());
            e.put("memoryBytes", m.capacity().memoryBytes());
            e.put("availability", m.availability().wireName());
            out.add(e);
        }
        return out;
    }

    private List<Map<String, Object>> units(List<Job> jobs, List<UnitState> states, Map<String, String> waitReasons) {
        UnitViews.StateIndex index = new UnitViews.StateIndex(states);
        Map<String, List<Map<String, Object>>> byUnit = new LinkedHashMap<>();
        for (UnitState s : states) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("machineID", s.machineId());
            e.put("loadState", s.loadState());
            e.put("activeState", s.activeState());
            e.put("subState", s.subState());
            byUnit.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(e);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Job job : jobs) {
            ApiUnit u = views.view(job, index);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", job.name());
            e.put("description", job.unit().description().orElse(""));
            e.put("desiredState", u.desiredState());
            e.put("currentState", u.currentState() == null ? "" : u.currentState());
            e.put("machineID", u.machineID() == null ? "" : u.machineID());
            e.put("global", views.isGlobal(job));
            e.put("hash", job.unitHash());
            e.put("waiting", waitingReason(job, u, waitReasons.get(job.name())));
            e.put("systemd", byUnit.getOrDefault(job.name(), List.of()));
            out.add(e);
        }
        return out;
    }

    /**
     * Why a unit that should run has no machine: the engine's own reason when it recorded one (the same the
     * placement API and {@code fleetctl status} show), else what can be told without it.
     */
    private String waitingReason(Job job, ApiUnit u, String engineReason) {
        if (views.isGlobal(job) || u.machineID() != null || job.desiredState().wireName().equals("inactive")) return "";
        if (engineReason != null && !engineReason.isEmpty()) return engineReason;
        if (job.name().contains("@.")) return "a template is never scheduled; start an instance of it";
        return "not scheduled yet: waiting for the engine to place it on a machine";
    }

    private static void send(Response response, Callback callback, long version, byte[] content) {
        byte[] head = ("{\"version\":" + version + ",\"cluster\":").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + 1];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        body[body.length - 1] = '}';
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public synchronized void close() {
        if (subscription != null) subscription.close();
        refresher.shutdownNow();
        for (Waiter w : waiters) w.callback().failed(new IllegalStateException("fleetd is stopping"));
        waiters.clear();
    }
}

package org.fleetj.fleetd.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.fleetj.api.ApiUnits;
import org.fleetj.fleetd.access.Caller;
import org.fleetj.fleetd.access.Role;
import org.fleetj.fleetd.api.ApiJson;
import org.fleetj.registry.Job;
import org.fleetj.registry.MachineState;
import org.fleetj.registry.Registry;
import org.fleetj.registry.RegistryException;
import org.fleetj.unit.GoQuote;
import org.fleetj.unit.UnitFile;
import org.fleetj.unit.UnitOption;
import org.fleetj.unit.UnitParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fleetd's own endpoints beside fleet's v1 API, under {@value #ROOT}:
 * <ul>
 *   <li>{@code GET units/NAME/journal?lines=N&output=MODE&follow=true&machine=ID}: journalctl of the unit on the
 *       machine that runs it (relayed to that machine's fleetd), streamed; exit status in the trailer</li>
 *   <li>{@code GET units/NAME/status?machine=ID}: {@code systemctl status -l} of the unit there</li>
 *   <li>{@code GET units/NAME/file}: the unit file as stored</li>
 *   <li>{@code POST unit-options} (a unit file as text): its options as fleet's API takes them</li>
 *   <li>{@code GET cluster?since=V}: the dashboard's long-polled view; {@code GET whoami}: the caller's role</li>
 * </ul>
 * Every other path goes on to fleet's API. Errors are fleet's JSON error entity with a 4xx naming what was wrong.
 */
public final class OpsHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(OpsHandler.class);
    public static final String ROOT = "/ops/v1/";
    static final String TEXT = "text/plain; charset=utf-8";
    private static final int MAX_UNIT_FILE = 1 << 20;
    /** At most this many journal/status streams (followers included) at once on one fleetd. */
    public static final int MAX_STREAMS = 256;
    /** A client that reads nothing of its stream for this long is cut off. */
    public static final Duration WRITE_STALL = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;
    private final String selfId;
    private final JournalOutputModes modes;
    private final StreamPump pump;
    private final PeerRelay relay;
    private final ClusterView cluster;
    private final Handler dashboard;

    /**
     * @param relayTls      TLS for calls to other fleetds (this machine's listener certificate, the cluster CA)
     * @param clusterSecret bearer token for calls to other fleetds
     */
    public OpsHandler(Registry registry, String selfId, Optional<SslContextFactory.Client> relayTls, Optional<String> clusterSecret,
                      Handler dashboard, Handler next) {
        this(registry, selfId, relayTls, clusterSecret, dashboard, next, MAX_STREAMS, WRITE_STALL);
    }

    OpsHandler(Registry registry, String selfId, Optional<SslContextFactory.Client> relayTls, Optional<String> clusterSecret,
               Handler dashboard, Handler next, int maxStreams, Duration writeStall) {
        super(next);
        this.registry = registry;
        this.selfId = selfId;
        this.modes = JournalOutputModes.ofThisMachine();
        this.pump = new StreamPump(maxStreams, writeStall);
        this.relay = new PeerRelay(relayTls, clusterSecret, pump, maxStreams);
        this.cluster = new ClusterView(registry);
        this.dashboard = dashboard;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path.equals("/ui") || path.startsWith("/ui/")) return dashboard.handle(request, response, callback);
        if (!path.startsWith(ROOT) && !path.equals("/ops/v1")) return super.handle(request, response, callback);
        try {
            route(URIUtil.decodePath(path.substring(Math.min(path.length(), ROOT.length()))), request, response, callback);
        } catch (OpsException e) {
            error(response, callback, e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            error(response, callback, 400, "malformed request: " + e.getMessage());
        } catch (RegistryException e) {
            error(response, callback, 503, "registry unavailable: " + e.getMessage());
        } catch (IOException e) {
            LOG.warn("{} {} failed: {}", request.getMethod(), path, e.toString());
            error(response, callback, 500, "cannot run the command: " + e.getMessage());
        }
        return true;
    }

    private void route(String rest, Request request, Response response, Callback callback) throws OpsException, IOException {
        String method = request.getMethod();
        Map<String, List<String>> query = query(request);
        if (rest.equals("whoami")) {
            requireGet(method);
            Caller caller = (Caller) request.getAttribute(Caller.ATTRIBUTE);
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("caller", caller == null ? "anonymous" : caller.name());
            me.put("role", caller == null ? Role.READ.wireName() : caller.role().wireName());
            me.put("machineID", selfId);
            json(response, callback, 200, me);
        } else if (rest.equals("cluster")) {
            requireGet(method);
            List<String> since = query.getOrDefault("since", List.of("0"));
            if (!since.get(0).matches("[0-9]{1,18}")) throw new OpsException(400, "invalid since " + GoQuote.q(since.get(0)) + ": a version number");
            cluster.answer(Long.parseLong(since.get(0)), response, callback);
        } else if (rest.equals("unit-options")) {
            if (!method.equals("POST")) throw new OpsException(405, "only POST supported against this resource");
            json(response, callback, 200, Map.of("options", options(readBody(request))));
        } else if (rest.startsWith("units/")) {
            String below = rest.substring("units/".length());
            int slash = below.lastIndexOf('/');
            if (slash <= 0) throw new OpsException(404, "resource not found: expected units/NAME/journal, units/NAME/status or units/NAME/file");
            String name = below.substring(0, slash);
            String what = below.substring(slash + 1);
            requireGet(method);
            switch (what) {
                case "journal" -> unitLog(UnitLogQuery.parse(UnitLogQuery.Kind.JOURNAL, name, query, modes), request, response, callback);
                case "status" -> unitLog(UnitLogQuery.parse(UnitLogQuery.Kind.STATUS, name, query, modes), request, response, callback);
                case "file" -> unitFile(UnitLogQuery.validUnit(name), response, callback);
                default -> throw new OpsException(404, "resource not found: " + GoQuote.q(what) + " (journal, status or file)");
            }
        } else {
            throw new OpsException(404, "resource not found: " + GoQuote.q(ROOT + rest));
        }
    }

    private void unitLog(UnitLogQuery q, Request request, Response response, Callback callback) throws OpsException, IOException {
        MachineState target = target(q);
        boolean relayed = request.getHeaders().get(PeerRelay.RELAYED_HEADER) != null;
        pump.reserve();
        if (target.id().equals(selfId)) {
            LocalCommand command;
            try {
                command = LocalCommand.start(q.argv());
            } catch (IOException e) {
                pump.release();
                throw e;
            }
            LOG.debug("{} of {} for {}{}", q.kind(), q.unit(), request.getAttribute(Caller.ATTRIBUTE), q.follow() ? " (follow)" : "");
            pump.start(command, TEXT, request, response, callback);
            return;
        }
        if (relayed) {
            pump.release();
            throw new OpsException(409, "relayed request for machine " + target.id() + " reached machine " + selfId + "; not relaying again");
        }
        String path = ROOT + "units/" + URLEncoder.encode(q.unit(), StandardCharsets.UTF_8) + "/" + q.kind().name().toLowerCase(java.util.Locale.ROOT)
                + "?" + q.relayQuery(target.id());
        relay.relay(target, path, request, response, callback);
    }

    /** The machine whose journal/status is asked for: the one named, else the one the unit is scheduled to. */
    private MachineState target(UnitLogQuery q) throws OpsException {
        Job job = registry.job(q.unit()).orElseThrow(() -> new OpsException(404, "unit " + q.unit() + " does not exist"));
        List<MachineState> machines = registry.machines();
        if (q.machine().isPresent()) {
            List<MachineState> matches = new ArrayList<>();
            for (MachineState m : machines) if (m.id().startsWith(q.machine().get())) matches.add(m);
            if (matches.isEmpty()) throw new OpsException(404, "machine " + q.machine().get() + " is not in the cluster");
            if (matches.size() > 1) throw new OpsException(400, "machine " + q.machine().get() + " is ambiguous: " + matches.size() + " machines start with it");
            return matches.get(0);
        }
        if (ApiUnits.isGlobal(job.name(), ApiUnits.toOptions(job.unit()))) {
            throw new OpsException(400, "unit " + q.unit() + " is global (it runs on every matching machine): name one with machine=ID");
        }
        String id = job.targetMachine().orElseThrow(() -> new OpsException(409, "unit " + q.unit() + " is not scheduled to any machine"));
        for (MachineState m : machines) if (m.id().equals(id)) return m;
        throw new OpsException(503, "unit " + q.unit() + " is scheduled to machine " + id + ", which is not in the cluster now");
    }

    private void unitFile(String name, Response response, Callback callback) throws OpsException {
        Job job = registry.job(name).orElseThrow(() -> new OpsException(404, "unit " + name + " does not exist"));
        byte[] body = job.unit().serialize().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, TEXT);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static List<Map<String, String>> options(byte[] text) throws OpsException {
        UnitFile unit;
        try {
            unit = UnitFile.parse(text);
        } catch (UnitParseException e) {
            throw new OpsException(400, "invalid unit file: " + e.getMessage());
        }
        if (unit.options().isEmpty()) throw new OpsException(400, "invalid unit file: it has no options");
        List<Map<String, String>> out = new ArrayList<>();
        for (UnitOption o : unit.options()) {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("section", o.section());
            e.put("name", o.name());
            e.put("value", o.value());
            out.add(e);
        }
        return out;
    }

    private static byte[] readBody(Request request) throws OpsException {
        if (request.getLength() > MAX_UNIT_FILE) throw new OpsException(413, "unit file larger than 1 MiB");
        try (InputStream in = Request.asInputStream(request)) {
            byte[] body = in.readNBytes(MAX_UNIT_FILE + 1);
            if (body.length > MAX_UNIT_FILE) throw new OpsException(413, "unit file larger than 1 MiB");
            return body;
        } catch (IOException e) {
            throw new OpsException(400, "request body could not be read: " + e.getMessage());
        }
    }

    private static void requireGet(String method) throws OpsException {
        if (!method.equals("GET")) throw new OpsException(405, "only GET supported against this resource");
    }

    private static Map<String, List<String>> query(Request request) throws OpsException {
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw new OpsException(400, "malformed query string: " + e.getMessage());
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Fields.Field f : fields) out.put(f.getName(), new ArrayList<>(f.getValues()));
        return out;
    }

    private static void json(Response response, Callback callback, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ApiJson.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static void error(Response response, Callback callback, int status, String message) {
        byte[] body = ApiJson.error(status, message);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ApiJson.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Streams running now (for tests and the state dump). */
    public int activeStreams() {
        return pump.active();
    }

    @Override
    protected void doStop() throws Exception {
        cluster.close();
        relay.close();
        pump.close();
        super.doStop();
    }
}

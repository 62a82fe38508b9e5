package org.fleetj.fleetctl.client.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.fleetj.fleetctl.client.FleetClientException;
import org.fleetj.fleetctl.client.UnitLogSource;

/**
 * Journal and status from fleetd's {@code /ops/v1/units/NAME/journal|status}: the body is copied to stdout as it
 * arrives, and the exit status comes in the {@value #EXIT_TRAILER} trailer. A fleetd without these endpoints
 * answers fleet's "resource not found", which means "use SSH".
 */
final class ApiUnitLogs implements UnitLogSource {
    static final String ROOT = "/ops/v1/units/";
    static final String EXIT_TRAILER = "fleet-exit-status";

    private final ApiFleetClient client;

    ApiUnitLogs(ApiFleetClient client) {
        this.client = client;
    }

    @Override
    public OptionalInt journal(String unit, String machineId, int lines, String output, boolean follow, OutputStream out) {
        StringBuilder q = new StringBuilder("?lines=").append(lines).append("&output=").append(enc(output)).append("&follow=").append(follow);
        if (machineId != null) q.append("&machine=").append(enc(machineId));
        return run(ROOT + enc(unit) + "/journal" + q, out);
    }

    @Override
    public OptionalInt status(String unit, String machineId, OutputStream out) {
        return run(ROOT + enc(unit) + "/status" + (machineId == null ? "" : "?machine=" + enc(machineId)), out);
    }

    private OptionalInt run(String target, OutputStream out) {
        Connection[] open = new Connection[1];
        HttpExchange.StreamHead head = client.stream(target, c -> open[0] = c);
        // fleetctl killed (journal -f ended by Ctrl-C) closes the connection, so fleetd stops journalctl at once
        Thread closer = new Thread(open[0]::close, "fleetctl-journal-close");
        Runtime.getRuntime().addShutdownHook(closer);
        try {
            Map<String, String> trailers = new HashMap<>();
            InputStream body = head.content(trailers);
            if (head.status() != 200) {
                ByteArrayOutputStream error = new ByteArrayOutputStream();
                body.transferTo(error);
                String text = error.toString(StandardCharsets.UTF_8);
                String message = ApiJson.errorMessage(text);
                if (head.status() == 404 && message != null && message.startsWith("resource not found")) return OptionalInt.empty();
                if (message == null) throw new FleetClientException("Get " + target + ": unexpected response " + head.status() + " " + head.reason());
                throw new FleetClientException("googleapi: Error " + head.status() + ": " + message);
            }
            byte[] buffer = new byte[8192];
            int n;
            while ((n = body.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            String exit = trailers.get(EXIT_TRAILER);
            if (exit == null) throw new FleetClientException("Get " + target + ": the stream ended without the command's exit status");
            return OptionalInt.of(Integer.parseInt(exit.trim()));
        } catch (IOException e) {
            throw new FleetClientException("Get " + target + ": " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new FleetClientException("Get " + target + ": malformed exit status: " + e.getMessage(), e);
        } finally {
            open[0].close();
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException exiting) {
                // the hook runs anyway
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

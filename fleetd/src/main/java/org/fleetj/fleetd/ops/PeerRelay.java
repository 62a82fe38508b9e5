package org.fleetj.fleetd.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.fleetj.fleetd.api.ApiJson;
import org.fleetj.registry.MachineState;
import org.fleetj.unit.GoQuote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a journal or status request to the fleetd of the machine that runs the unit, at the API address
 * that machine announced, and streams its answer back (status, body and exit-status trailer as they come).
 * The call is authenticated as the cluster's own: with this machine's listener certificate when the peer is
 * https, and with {@code cluster_secret} as a bearer token when set. A relayed request carries
 * {@value #RELAYED_HEADER}, and a fleetd never relays such a request again, so no request can loop.
 */
final class PeerRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerRelay.class);
    static final String RELAYED_HEADER = "Fleet-Relayed";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(15);

    private final Optional<SslContextFactory.Client> tls;
    private final Optional<String> clusterSecret;
    private final StreamPump pump;
    private final int maxStreams;
    private HttpClient client;

    PeerRelay(Optional<SslContextFactory.Client> tls, Optional<String> clusterSecret, StreamPump pump, int maxStreams) {
        this.maxStreams = maxStreams;
        this.tls = tls;
        this.clusterSecret = clusterSecret;
        this.pump = pump;
    }

    private synchronized HttpClient client() throws Exception {
        if (client == null) {
            HttpClient c = new HttpClient();
            tls.ifPresent(c::setSslContextFactory);
            c.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
            // one connection per relayed stream: followers are long-lived, so the default of 64 would queue the rest
            c.setMaxConnectionsPerDestination(maxStreams);
            c.setFollowRedirects(false);
            c.setName("fleetd-relay");
            c.start();
            client = c;
        }
        return client;
    }

    /** Relays {@code pathAndQuery} to {@code target}; the stream slot must already be reserved (released here). */
    void relay(MachineState target, String pathAndQuery, org.eclipse.jetty.server.Request incoming, Response response, Callback callback) throws OpsException {
        if (target.apiUrl().isEmpty()) {
            pump.release();
            throw new OpsException(502, "machine " + target.id() + " announces no API address (its fleetd has no TCP listener):"
                    + " its journal and status are reachable over SSH only");
        }
        String url = target.apiUrl().replaceAll("/+$", "") + pathAndQuery;
        InputStreamResponseListener listener = new InputStreamResponseListener();
        org.eclipse.jetty.client.Response peer;
        Request request;
        try {
            request = client().newRequest(url).method(HttpMethod.GET).idleTimeout(0, TimeUnit.MILLISECONDS)
                    .headers(h -> {
                        h.put(RELAYED_HEADER, "1");
                        clusterSecret.ifPresent(s -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + s));
                    });
            request.send(listener);
            peer = listener.get(HEADERS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pump.release();
            throw new OpsException(502, "interrupted while relaying to machine " + target.id());
        } catch (Exception e) {
            pump.release();
            LOG.warn("relay to machine {} at {} failed: {}", target.id(), target.apiUrl(), e.toString());
            throw new OpsException(502, "cannot reach the fleetd of machine " + target.id() + " at " + GoQuote.q(target.apiUrl()) + ": " + e.getMessage());
        }
        if (peer.getStatus() != 200) {
            byte[] body;
            try (InputStream in = listener.getInputStream()) {
                body = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                body = ApiJson.error(502, "machine " + target.id() + " answered " + peer.getStatus() + " and its body could not be read");
            } finally {
                pump.release();
            }
            response.setStatus(peer.getStatus());
            String type = peer.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (type != null) response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.write(true, ByteBuffer.wrap(body), callback);
            return;
        }
        String type = Optional.ofNullable(peer.getHeaders().get(HttpHeader.CONTENT_TYPE)).orElse(OpsHandler.TEXT);
        Request sent = request;
        pump.start(new StreamPump.Source() {
            @Override
            public InputStream input() {
                return listener.getInputStream();
            }

            @Override
            public int exitStatus() {
                HttpFields trailers = peer.getTrailers();
                String v = trailers == null ? null : trailers.get(StreamPump.EXIT_TRAILER);
                try {
                    return v == null ? -1 : Integer.parseInt(v.trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }

            @Override
            public void abort() {
                sent.abort(new IOException("relayed stream closed"));
            }
        }, type, incoming, response, callback);
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            try {
                client.stop();
            } catch (Exception e) {
                LOG.debug("relay client did not stop cleanly: {}", e.toString());
            }
        }
    }
}

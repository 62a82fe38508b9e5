package org.fleetj.fleetd.access;

import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.fleetj.fleetd.api.ApiJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who each request comes from and refuses what their role does not allow, before any route runs:
 * 401 without valid credentials (when the listeners require them), 403 for a change by a read-only caller.
 *
 * <p>Callers on the unix socket have the write role: the socket's mode and group already decided who may
 * connect, as in fleet. On TCP, when neither tokens nor a client CA are configured, everyone has the write
 * role, as before (fleet's default). Otherwise a caller is a bearer token ({@code Authorization: Bearer}) or a
 * client certificate signed by {@code listen_cafile}; a wrong token is refused even with a certificate.
 * The dashboard's static files ({@code /ui/}) hold no cluster data and are served to anyone who can connect,
 * so a browser can load the page and then authenticate its requests.
 */
public final class AccessHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(AccessHandler.class);

    private final AccessConfig config;
    private final boolean clientCa;
    private final String serverHeader;

    /** @param clientCa whether TCP clients may authenticate with a certificate ({@code listen_cafile} set) */
    public AccessHandler(AccessConfig config, boolean clientCa, String serverHeader, Handler next) {
        super(next);
        this.config = config;
        this.clientCa = clientCa;
        this.serverHeader = serverHeader;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        boolean publicAsset = request.getMethod().equals("GET") && (path.equals("/ui") || path.startsWith("/ui/"));
        Caller caller;
        try {
            caller = identify(request);
        } catch (Refusal r) {
            if (!publicAsset) return refuse(response, callback, 401, r.getMessage(), request);
            caller = null;
        }
        if (caller == null && !publicAsset) {
            return refuse(response, callback, 401, "authentication required: send Authorization: Bearer <token> (api_tokens)"
                    + (clientCa ? " or a client certificate signed by listen_cafile" : ""), request);
        }
        if (caller != null && !caller.role().permits(request.getMethod())) {
            return refuse(response, callback, 403, "forbidden: " + caller.name() + " has the read-only role; "
                    + request.getMethod() + " changes the cluster and needs the write role", request);
        }
        if (caller != null) request.setAttribute(Caller.ATTRIBUTE, caller);
        return super.handle(request, response, callback);
    }

    /** The caller, null when no credentials came and none are needed for this listener; Refusal for wrong ones. */
    private Caller identify(Request request) throws Refusal {
        if (request.getConnectionMetaData().getConnector() instanceof UnixDomainServerConnector) return new Caller("unix socket", Role.WRITE);
        if (!config.tokensConfigured() && !clientCa) return new Caller("anonymous (no api_tokens or listen_cafile set)", Role.WRITE);
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) throw new Refusal("unsupported Authorization scheme: only Bearer tokens are accepted");
            String token = authorization.substring(7).trim();
            if (config.clusterSecret().isPresent() && AccessConfig.same(token, config.clusterSecret().get())) {
                return new Caller("peer fleetd", Role.READ);
            }
            int i = 0;
            for (Map.Entry<String, Role> e : config.tokens().entrySet()) {
                i++;
                if (AccessConfig.same(token, e.getKey())) return new Caller("token #" + i, e.getValue());
            }
            throw new Refusal("invalid bearer token");
        }
        Optional<String> cn = certificateName(request);
        if (cn.isPresent()) {
            return new Caller("certificate CN=" + cn.get(), config.readOnlyNames().contains(cn.get()) ? Role.READ : Role.WRITE);
        }
        return null;
    }

    /** The common name of a verified TLS client certificate (Jetty verified it against listen_cafile). */
    private static Optional<String> certificateName(Request request) {
        if (!(request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl)) return Optional.empty();
        X509Certificate[] chain = ssl.peerCertificates();
        if (chain == null || chain.length == 0) return Optional.empty();
        try {
            for (Rdn rdn : new LdapName(chain[0].getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) return Optional.of(String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            return Optional.of(chain[0].getSubjectX500Principal().getName());
        }
        return Optional.of(chain[0].getSubjectX500Principal().getName());
    }

    private boolean refuse(Response response, Callback callback, int status, String message, Request request) {
        LOG.info("API {} {} refused ({}): {}", request.getMethod(), Request.getPathInContext(request), status, message);
        byte[] body = ApiJson.error(status, message);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.SERVER, serverHeader);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ApiJson.CONTENT_TYPE);
        if (status == 401) response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"fleet\"");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** Credentials that were given and are wrong. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }
}

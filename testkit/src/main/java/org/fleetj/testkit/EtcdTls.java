package org.fleetj.testkit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS files for an {@link EtcdServer} that serves clients over https and requires client certificates.
 *
 * @param caFile   PEM CA that signed the client certificates etcd accepts
 * @param certFile PEM server certificate (its subject alternative names must cover 127.0.0.1)
 * @param keyFile  PEM private key of the server certificate
 */
public record EtcdTls(Path caFile, Path certFile, Path keyFile) {
    public EtcdTls {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}

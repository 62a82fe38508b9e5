package org.fleetj.registry.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.util.Version;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The parent POM overrides the Netty 4.1 that grpc-netty declares with the Netty 4.2 that vert.x 5 (under jetcd)
 * needs. This checks what that leaves on the class path; the etcd ITs run gRPC over it against a real etcd.
 */
class NettyClassPathTest {
    @Test
    void oneNettyVersionServesGrpcAndVertx() {
        Map<String, Version> artifacts = Version.identify();
        Set<String> versions = new TreeSet<>();
        Map<String, String> byArtifact = new TreeMap<>();
        artifacts.forEach((name, v) -> {
            versions.add(v.artifactVersion());
            byArtifact.put(name, v.artifactVersion());
        });
        assertEquals(1, versions.size(), "one Netty version on the class path: " + byArtifact);
        assertTrue(versions.iterator().next().startsWith("4.2."), "Netty 4.2 (vert.x 5 needs it): " + byArtifact);
        assertTrue(byArtifact.containsKey("netty-codec-http2") && byArtifact.containsKey("netty-codec-base"),
                "grpc-netty's HTTP/2 codec and vert.x's 4.2-only codec base are both there: " + byArtifact);
    }

    @Test
    void grpcNettyBuildsAndShutsDownAChannelOnNetty42() throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", 9).usePlaintext().build();
        try {
            // asking for the state with connect=true starts Netty's event loop and a connection attempt
            channel.getState(true);
        } finally {
            channel.shutdownNow();
        }
        assertTrue(channel.awaitTermination(30, TimeUnit.SECONDS), "the channel terminates");
    }
}

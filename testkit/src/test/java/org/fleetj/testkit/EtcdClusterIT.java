package org.fleetj.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A real 3-member etcd cluster: replication between members, and surviving the loss of one member. */
class EtcdClusterIT {

    @Test
    void replicatesAndKeepsQuorumWithOneMemberDown() {
        try (EtcdCluster cluster = EtcdCluster.start(3)) {
            assertEquals(3, cluster.endpoints().split(",").length);
            new EtcdGateway(cluster.member(0).endpoint()).put("/testkit/replicated", "v1");
            assertEquals(Optional.of("v1"), new EtcdGateway(cluster.member(2).endpoint()).get("/testkit/replicated"));

            cluster.member(0).crash();
            // a write proposed while the survivors elect a new leader can hang for etcd's request timeout:
            // wait until a survivor reports health again (etcd 3.4: healthy means a leader exists)
            cluster.member(1).awaitHealthy(Duration.ofSeconds(30));
            EtcdGateway survivor = new EtcdGateway(cluster.member(1).endpoint());
            survivor.put("/testkit/replicated", "v2");   // 2 of 3 are a quorum
            assertEquals(Optional.of("v2"), new EtcdGateway(cluster.member(2).endpoint()).get("/testkit/replicated"));

            cluster.member(0).restart();   // rejoins with its old data and catches up
            assertTrue(cluster.member(0).isHealthy(Duration.ofSeconds(5)));
            assertEquals(Optional.of("v2"), new EtcdGateway(cluster.member(0).endpoint()).get("/testkit/replicated"));
        }
    }

    @Test
    void closeStopsEveryMember() {
        EtcdCluster cluster = EtcdCluster.start(3);
        cluster.close();
        for (EtcdServer m : cluster.members()) {
            assertFalse(m.isRunning(), m.name());
        }
    }
}
